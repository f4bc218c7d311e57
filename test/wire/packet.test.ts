import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { WireEncodeError } from '../../src/errors.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket, PacketBuilder } from '../../src/wire/encode.js';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';

const INSTANCE = 'My\\. Printer (2)._ipp._tcp.local';
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** One record of each modelled type, cache-flush on the unique ones. */
const RECORDS: ResourceRecord[] = [
  { name: '_ipp._tcp.local', type: 'PTR', ttl: 4500, class: 1, cacheFlush: false, data: INSTANCE },
  {
    name: INSTANCE,
    type: 'SRV',
    ttl: 120,
    class: 1,
    cacheFlush: true,
    data: { priority: 0, weight: 5, port: 631, target: 'Host-1.local' },
  },
  {
    name: INSTANCE,
    type: 'TXT',
    ttl: 4500,
    class: 1,
    cacheFlush: true,
    data: [bytes(0x74, 0x78, 0x74, 0x76, 0x65, 0x72, 0x73, 0x3d, 0x31), bytes(0x00, 0xff)],
  },
  { name: 'Host-1.local', type: 'A', ttl: 120, class: 1, cacheFlush: true, data: '192.0.2.10' },
  { name: 'Host-1.local', type: 'AAAA', ttl: 120, class: 1, cacheFlush: true, data: 'fe80::1:2ff:fe03:405' },
  {
    name: 'Host-1.local',
    type: 'NSEC',
    ttl: 120,
    class: 1,
    cacheFlush: true,
    data: { nextDomain: 'Host-1.local', types: ['A', 'AAAA'] },
  },
  {
    name: INSTANCE,
    type: 'NSEC',
    ttl: 4500,
    class: 1,
    cacheFlush: true,
    data: { nextDomain: INSTANCE, types: ['TXT', 'SRV', 'TYPE1234'] },
  },
  { name: 'alias.local', type: 'CNAME', ttl: 120, class: 1, cacheFlush: false, data: 'Host-1.local' },
  {
    name: 'Host-1.local',
    type: 'UNKNOWN',
    typeCode: 13,
    ttl: 120,
    class: 1,
    cacheFlush: true,
    data: bytes(3, 0x61, 0x72, 0x6d, 5, 0x4c, 0x69, 0x6e, 0x75, 0x78),
  },
];

function roundTrip(packet: Packet): Packet {
  return decodePacket(encodePacket(packet));
}

describe('packet round-trips', () => {
  it('every record type round-trips in every section, with QU and cache-flush bits', () => {
    const packet: Packet = {
      id: 0,
      flags: 0x8400,
      questions: [
        { name: '_ipp._tcp.local', type: 'PTR', class: 1, unicastResponse: true },
        { name: INSTANCE, type: 'ANY', class: 1, unicastResponse: false },
        { name: 'Host-1.local', type: 'UNKNOWN', typeCode: 65, class: 1, unicastResponse: true },
      ],
      answers: RECORDS,
      authorities: RECORDS,
      additionals: RECORDS,
    };
    expect(roundTrip(packet)).toEqual(packet);
  });

  it('QU is the top bit of the question class; cache-flush the top bit of the record class', () => {
    const wire = encodePacket({
      questions: [{ name: 'a.local', type: 'A', unicastResponse: true }],
      answers: [{ name: 'a.local', type: 'A', ttl: 120, cacheFlush: true, data: '192.0.2.1' }],
    });
    // header 12, name "a.local" 9 bytes, type 2, class 2 → class at 23.
    expect(wire.readUInt16BE(23)).toBe(0x8001);
    // record: pointer 2, type 2, class at 12+13+4 = 29.
    expect(wire.readUInt16BE(29)).toBe(0x8001);
  });

  it('class other than IN survives, and the OPT pseudo-record keeps its raw class', () => {
    const opt: ResourceRecord = { name: '', type: 'OPT', class: 1232, cacheFlush: false, ttl: 0x8000, data: bytes() };
    const chaos: ResourceRecord = {
      name: 'x.local',
      type: 'A',
      class: 3,
      cacheFlush: false,
      ttl: 1,
      data: '192.0.2.9',
    };
    expect(
      roundTrip({ id: 7, flags: 0, questions: [], answers: [chaos], authorities: [], additionals: [opt] }),
    ).toEqual({
      id: 7,
      flags: 0,
      questions: [],
      answers: [chaos],
      authorities: [],
      additionals: [opt],
    });
  });

  it('RFC 6763 §6.1: an empty TXT record is written as a single zero byte', () => {
    const wire = encodePacket({ answers: [{ name: 'x.local', type: 'TXT', ttl: 1, data: [] }] });
    expect(wire.readUInt16BE(wire.length - 3)).toBe(1); // RDLENGTH
    expect(wire[wire.length - 1]).toBe(0);
    expect(decodePacket(wire).answers[0]?.data).toEqual([bytes()]);
  });

  it('TXT strings of 255 bytes are fine, 256 are refused', () => {
    const ok = new Uint8Array(255).fill(0x61);
    expect(
      decodePacket(encodePacket({ answers: [{ name: 'x.local', type: 'TXT', ttl: 1, data: [ok] }] })).answers[0]?.data,
    ).toEqual([ok]);
    expect(() =>
      encodePacket({ answers: [{ name: 'x.local', type: 'TXT', ttl: 1, data: [new Uint8Array(256)] }] }),
    ).toThrow(WireEncodeError);
  });

  it('compresses owner names and names in PTR, SRV and NSEC RDATA (RFC 1035 §4.1.4, RFC 6762 §18.14)', () => {
    const compressed = encodePacket({ answers: RECORDS });
    const plain = encodePacket({ answers: RECORDS }, { compression: 'none' });
    expect(compressed.length).toBeLessThan(plain.length * 0.6);
    // The SRV target "Host-1.local" appears once in full; later owners point at it.
    expect(compressed.indexOf(Buffer.from('\x06Host-1\x05local'))).toBe(
      compressed.lastIndexOf(Buffer.from('\x06Host-1\x05local')),
    );
  });

  it('unicast mode leaves SRV targets and NSEC names uncompressed (RFC 2782) but compresses PTR', () => {
    const wire = encodePacket({ answers: RECORDS.slice(0, 2) }, { compression: 'unicast' });
    const decoded = dnsPacket.decode(wire);
    expect(decoded.answers?.[1]).toMatchObject({ type: 'SRV', data: { target: 'Host-1.local', port: 631 } });
    // The target is spelled out at the end of the packet.
    expect(wire.subarray(wire.length - 14).toString('latin1')).toBe('\x06Host-1\x05local\x00');
  });

  it('dns-packet, an independent decoder, reads what we write', () => {
    const wire = encodePacket({ flags: 0x8400, answers: RECORDS.filter((r) => r.type !== 'UNKNOWN') });
    const theirs = dnsPacket.decode(wire);
    const byType = (type: string) =>
      theirs.answers?.find((a) => a.type === type) as { data: unknown; flush?: boolean } | undefined;
    expect(byType('A')?.data).toBe('192.0.2.10');
    expect(byType('AAAA')?.data).toBe('fe80::1:2ff:fe03:405');
    expect(byType('SRV')?.data).toEqual({ priority: 0, weight: 5, port: 631, target: 'Host-1.local' });
    expect(byType('SRV')?.flush).toBe(true);
    expect(byType('PTR')?.flush).toBe(false);
    expect(byType('TXT')?.data).toEqual([Buffer.from('txtvers=1'), Buffer.from([0, 0xff])]);
  });

  it('we read what dns-packet writes', () => {
    const wire = dnsPacket.encode({
      type: 'response',
      id: 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      answers: [
        { type: 'A', name: 'h.local', ttl: 120, flush: true, data: '192.0.2.3' },
        { type: 'SRV', name: 's._x._tcp.local', ttl: 120, data: { port: 9, target: 'h.local' } },
        { type: 'PTR', name: '_x._tcp.local', ttl: 4500, data: 's._x._tcp.local' },
      ],
    });
    const packet = decodePacket(wire);
    expect(packet.flags).toBe(0x8400);
    expect(packet.answers.map((r) => [r.type, r.name, r.cacheFlush, r.data])).toEqual([
      ['A', 'h.local', true, '192.0.2.3'],
      ['SRV', 's._x._tcp.local', false, { priority: 0, weight: 0, port: 9, target: 'h.local' }],
      ['PTR', '_x._tcp.local', false, 's._x._tcp.local'],
    ]);
  });

  it('rejects invalid API input with typed errors', () => {
    const bad: [ResourceRecord, string][] = [
      [{ name: 'x.local', type: 'A', ttl: 1, data: '999.1.1.1' }, 'BAD_ADDRESS'],
      [{ name: 'x.local', type: 'AAAA', ttl: 1, data: 'fe80::1%eth0' }, 'BAD_ADDRESS'],
      [
        { name: 'x.local', type: 'SRV', ttl: 1, data: { priority: 0, weight: 0, port: 70000, target: 'h.local' } },
        'BAD_RDATA',
      ],
      [{ name: 'x.local', type: 'A', ttl: -1, data: '192.0.2.1' }, 'BAD_TTL'],
      [{ name: 'x.local', type: 'A', ttl: 0x80000000, data: '192.0.2.1' }, 'BAD_TTL'],
      [{ name: 'x.local', type: 'A', ttl: 1, class: 255, data: '192.0.2.1' }, 'BAD_CLASS'],
      [{ name: 'x.local', type: 'A', ttl: 1, class: 0, data: '192.0.2.1' }, 'BAD_CLASS'],
      [{ name: 'x.local', type: 'AAAA', ttl: 1, data: '::ffff:0x7f.1.1.1' }, 'BAD_ADDRESS'],
      [{ name: 'x.local', type: 'UNKNOWN', ttl: 1, data: bytes() } as unknown as ResourceRecord, 'BAD_TYPE'],
      [{ name: 'x.local', type: 'UNKNOWN', typeCode: 1, ttl: 1, data: bytes(1, 2, 3) }, 'BAD_TYPE'],
      [{ name: 'x.local', type: 'OPT', ttl: 0, class: 1232, data: bytes() }, 'BAD_NAME'],
      [{ name: '', type: 'OPT', ttl: 0, class: 1232, cacheFlush: true, data: bytes() }, 'BAD_CLASS'],
      [{ name: 'x.local', type: 'TXT', ttl: 1, data: ['ab'] } as unknown as ResourceRecord, 'BAD_RDATA'],
      [{ name: 'x.local', type: 'TXT', ttl: 1, data: 'hello' } as unknown as ResourceRecord, 'BAD_RDATA'],
      [{ name: 42, type: 'A', ttl: 1, data: '192.0.2.1' } as unknown as ResourceRecord, 'BAD_NAME'],
      [{ name: 'x.local', type: 'NSEC', ttl: 1, data: { nextDomain: 'x.local', types: ['BOGUS'] } }, 'BAD_RDATA'],
      [{ name: 'x..local', type: 'A', ttl: 1, data: '192.0.2.1' }, 'EMPTY_LABEL'],
    ];
    for (const [record, code] of bad) {
      expect(() => encodePacket({ answers: [record] }), JSON.stringify(record)).toThrow(
        expect.objectContaining({ code }),
      );
    }
    expect(() => encodePacket({ id: 70000 })).toThrow(expect.objectContaining({ code: 'BAD_HEADER' }));
    expect(() => encodePacket({ questions: [{ name: 'x.local', type: 'UNKNOWN', typeCode: 255 }] })).toThrow(
      expect.objectContaining({ code: 'BAD_TYPE' }),
    );
  });

  it('IPv6 addresses are written per RFC 4291 and read back in RFC 5952 form', () => {
    const aaaa = (data: string): string => {
      const wire = encodePacket({ answers: [{ name: 'h.local', type: 'AAAA', ttl: 120, data }] });
      return (decodePacket(wire).answers[0] as { data: string }).data;
    };
    expect(aaaa('::2:3:4:5:6:7:8')).toBe('0:2:3:4:5:6:7:8');
    expect(aaaa('FE80:0:0:0:0:0:0:1')).toBe('fe80::1');
    expect(aaaa('::1.2.3.4')).toBe('::102:304');
    expect(aaaa('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
  });

  it('RFC 2181 §8: a received TTL with the top bit set counts as 0 (but OPT keeps its flags)', () => {
    const wire = encodePacket({
      answers: [{ name: 'h.local', type: 'A', ttl: 0x7fffffff, data: '192.0.2.1' }],
      additionals: [{ name: '', type: 'OPT', class: 1232, ttl: 0x80008000, data: bytes() }],
    });
    wire.writeUInt32BE(0x80000001, 12 + 9 + 4);
    const packet = decodePacket(wire);
    expect(packet.answers[0]?.ttl).toBe(0);
    expect(packet.additionals[0]?.ttl).toBe(0x80008000);
  });

  it('names inside MX, NS and SOA RDATA are expanded, so raw RDATA holds no pointers', () => {
    // Answer 1: A for a.local; answer 2: MX for a.local whose exchange is a pointer to "a.local".
    const a = [1, 0x61, 5, ...Buffer.from('local'), 0];
    const wire = Uint8Array.from([
      0,
      0,
      0x84,
      0,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      0,
      ...a,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      120,
      0,
      4,
      192,
      0,
      2,
      1,
      0xc0,
      12,
      0,
      15,
      0,
      1,
      0,
      0,
      0,
      120,
      0,
      4,
      0,
      10,
      0xc0,
      12,
    ]);
    const mx = decodePacket(wire).answers[1];
    expect(mx).toMatchObject({ type: 'UNKNOWN', typeCode: 15, data: Uint8Array.from([0, 10, ...a]) });
    // Re-encoded on its own, the exchange still reads "a.local".
    const alone = dnsPacket.decode(encodePacket({ answers: [mx as ResourceRecord] }));
    expect(alone.answers?.[0]).toMatchObject({ type: 'MX', data: { preference: 10, exchange: 'a.local' } });
  });

  it('a builder takes items in wire order only', () => {
    const builder = new PacketBuilder();
    builder.addRecord('additionals', RECORDS[0] as ResourceRecord);
    expect(() => builder.addRecord('answers', RECORDS[0] as ResourceRecord)).toThrow(
      expect.objectContaining({ code: 'SECTION_ORDER' }),
    );
  });

  it('refuses a packet over 9000 bytes (RFC 6762 §17)', () => {
    const big = Array.from({ length: 40 }, () => new Uint8Array(255));
    expect(() => encodePacket({ answers: [{ name: 'x.local', type: 'TXT', ttl: 1, data: big }] })).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE' }),
    );
  });
});
