/**
 * The wire layer against real packets captured from avahi-daemon and
 * python-zeroconf in the lab (see test/fixtures/packets/README.md).
 */
import { readFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { WireDecodeError } from '../../src/errors.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { Packet, ResourceRecord } from '../../src/wire/model.js';
import { decodeTxt } from '../../src/dnssd/txt.js';

interface FixtureInfo {
  file: string;
  peer: string;
  kind: string;
  source: string;
}

const dir = new URL('../fixtures/packets/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as FixtureInfo[];
const load = (file: string): Buffer => readFileSync(new URL(file, dir));

const AVAHI_INSTANCE = 'Fixture Avahi\\. Printer._boaster-fixture._tcp.local';
const ZC_INSTANCE = 'Fixture Zeroconf._boaster-fixture._tcp.local';
const TYPE = '_boaster-fixture._tcp.local';

const find = (p: Packet, type: ResourceRecord['type'], name?: string): ResourceRecord => {
  const r = [...p.answers, ...p.authorities, ...p.additionals].find(
    (x) => x.type === type && (name === undefined || x.name === name),
  );
  if (!r) throw new Error(`no ${type} ${name ?? ''} in packet`);
  return r;
};

const wellFormed = index.filter((f) => f.file !== 'zeroconf-response.bin');

describe('captured packets from real peers', () => {
  it('has at least three captures from each of avahi-daemon and python-zeroconf', () => {
    expect(index.filter((f) => f.peer === 'avahi-daemon').length).toBeGreaterThanOrEqual(3);
    expect(index.filter((f) => f.peer === 'python-zeroconf').length).toBeGreaterThanOrEqual(3);
  });

  it.each(wellFormed.map((f) => [f.file]))('%s: decode then encode gives back the exact bytes', (file) => {
    const captured = load(file);
    const packet = decodePacket(captured);
    const ours = encodePacket(packet);
    expect(ours.toString('hex')).toBe(captured.toString('hex'));
    // And an independent decoder agrees on what is inside.
    const theirs = dnsPacket.decode(captured);
    expect((theirs.answers ?? []).map((r) => [r.name, r.type])).toEqual(
      packet.answers.map((r) => [r.name.replace(/\\\./g, '.'), r.type]),
    );
    expect((theirs.authorities ?? []).length).toBe(packet.authorities.length);
  });

  it('avahi probe: QM question of type ANY, proposed records in authority without cache-flush', () => {
    const p = decodePacket(load('avahi-probe.bin'));
    expect(p.flags).toBe(0);
    expect(p.questions).toEqual([{ name: AVAHI_INSTANCE, type: 'ANY', class: 1, unicastResponse: false }]);
    expect(p.authorities.map((r) => [r.type, r.cacheFlush])).toEqual([
      ['SRV', false],
      ['TXT', false],
    ]);
    expect(find(p, 'SRV').data).toEqual({ priority: 0, weight: 0, port: 631, target: 'fixture-avahi.local' });
  });

  it('avahi announcement: AA response, cache-flush on unique records and never on PTR, RFC 6762 §10 TTLs', () => {
    const p = decodePacket(load('avahi-announcement.bin'));
    expect(p.flags).toBe(0x8400);
    for (const r of p.answers) {
      expect(r.cacheFlush, `${r.type} ${r.name}`).toBe(r.type !== 'PTR');
      expect(r.ttl).toBe(r.type === 'PTR' || r.type === 'TXT' ? 4500 : 120);
    }
    expect(find(p, 'A').data).toBe('192.0.2.10');
    expect(find(p, 'AAAA').data).toMatch(/^fe80:/);
    expect(find(p, 'PTR', '_services._dns-sd._udp.local').data).toBe(TYPE);
    const txt = find(p, 'TXT');
    expect(txt.type === 'TXT' && decodeTxt(txt.data)).toEqual({ txtvers: '1', note: 'Fixture Ü', flag: true });
  });

  it('avahi response to a PTR query: the instance with SRV, TXT and addresses', () => {
    const p = decodePacket(load('avahi-response.bin'));
    expect(find(p, 'PTR', TYPE).data).toBe(AVAHI_INSTANCE);
    expect(find(p, 'SRV', AVAHI_INSTANCE)).toMatchObject({ cacheFlush: true, ttl: 120 });
  });

  it('python-zeroconf probe: a QU question, its PTR in authority', () => {
    const p = decodePacket(load('zeroconf-probe.bin'));
    expect(p.flags & 0x8000).toBe(0);
    expect(p.questions).toEqual([{ name: TYPE, type: 'PTR', class: 1, unicastResponse: true }]);
    expect(p.authorities).toEqual([
      { name: TYPE, type: 'PTR', class: 1, cacheFlush: false, ttl: 4500, data: ZC_INSTANCE },
    ]);
  });

  it('python-zeroconf announcement: SRV, TXT with an empty value and a boolean key, A', () => {
    const p = decodePacket(load('zeroconf-announcement.bin'));
    expect(p.flags).toBe(0x8400);
    expect(find(p, 'SRV', ZC_INSTANCE).data).toEqual({
      priority: 0,
      weight: 0,
      port: 8080,
      target: 'zc-fixture.local',
    });
    const txt = find(p, 'TXT', ZC_INSTANCE);
    expect(txt.type === 'TXT' && decodeTxt(txt.data)).toEqual({
      path: '/status',
      serial: 'SN-0042',
      empty: '',
      flag: true,
    });
    expect(find(p, 'A').data).toBe('192.0.2.11');
  });

  it('python-zeroconf answer: strict decode refuses its malformed NSEC; lenient decode drops only that record', () => {
    const captured = load('zeroconf-response.bin');
    expect(() => decodePacket(captured)).toThrow(expect.objectContaining({ code: 'BAD_NSEC_BITMAP' }));
    const dropped: WireDecodeError[] = [];
    const p = decodePacket(captured, { onBadRecord: (e) => dropped.push(e) });
    expect(dropped.map((e) => e.code)).toEqual(['BAD_NSEC_BITMAP']);
    const all = [...p.answers, ...p.additionals];
    expect(all.map((r) => r.type).sort()).toEqual(['A', 'PTR', 'SRV', 'TXT']);
    expect(find(p, 'PTR', TYPE).data).toBe(ZC_INSTANCE);
  });

  it('our compressed encoding of the same records is never larger than the capture', () => {
    for (const { file } of wellFormed) {
      const captured = load(file);
      expect(encodePacket(decodePacket(captured)).length, file).toBeLessThanOrEqual(captured.length);
    }
    // For the zeroconf answer, put back its NSEC well-formed (zc-fixture.local, bitmap as intended).
    const captured = load('zeroconf-response.bin');
    const p = decodePacket(captured, { onBadRecord: () => undefined });
    const nsec: ResourceRecord = {
      name: 'zc-fixture.local',
      type: 'NSEC',
      ttl: 4500,
      class: 1,
      cacheFlush: true,
      data: { nextDomain: 'zc-fixture.local', types: ['AAAA'] },
    };
    const sections = { ...p, additionals: [...p.additionals] };
    const nsecIndex = captured.indexOf(Buffer.from([0x00, 0x2f, 0x80, 0x01]));
    expect(nsecIndex).toBeGreaterThan(0);
    // The capture holds the NSEC in the additional section, before the SRV and TXT.
    sections.additionals.splice(1, 0, nsec);
    const ours = encodePacket(sections);
    expect(ours.length).toBeLessThan(captured.length);
    expect(decodePacket(ours).additionals.some((r) => r.type === 'NSEC')).toBe(true);
  });
});
