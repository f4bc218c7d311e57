/**
 * previewRecords() is what the responder announces: for the same host and
 * services, the records of the first announcement on the fake transport
 * (every section, TTLs and cache-flush bits) are the preview's, and bad
 * input is refused as publish() refuses it. Nothing is sent by a preview.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewRecords } from '../../src/api/record-preview.js';
import { Responder } from '../../src/api/responder.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { fakeTransport, FIRST_ANNOUNCE, responses, sentPackets, useFakeClock, V4, V6 } from '../protocol/helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

const SERVICES = [
  { name: 'Node 17', type: '_hypervisor._tcp', port: 443, txt: { uuid: 'abc', hv: 'kvm' }, subtypes: ['_rack1'] },
  { name: 'Node 17', type: '_ssh._tcp', port: 22 },
];

describe('previewRecords', () => {
  it('gives the records of the first announcement, exactly', async () => {
    const transport = fakeTransport();
    const responder = new Responder({ transport, hostName: 'testhost', random: () => 0.5 });
    const published = Promise.all(SERVICES.map((s) => responder.publish(s)));
    await vi.advanceTimersByTimeAsync(FIRST_ANNOUNCE);
    await published;
    const announced = responses(sentPackets(transport))
      .filter((s) => s.at === FIRST_ANNOUNCE && s.target.family === 4)
      .flatMap((s) => s.packet.answers);
    const preview = previewRecords(
      {
        hostName: 'testhost',
        addresses: [
          { address: V4, family: 4 },
          { address: V6, family: 6 },
        ],
      },
      SERVICES,
    );
    // Compared as they go on the wire (the model writes an empty TXT as [], the decoder reads one empty string).
    const key = (r: ResourceRecord): string => Buffer.from(encodePacket({ answers: [r] })).toString('hex');
    expect(announced.length).toBeGreaterThan(8);
    expect(preview.map(key).sort()).toEqual(announced.map(key).sort());
    await responder.close();
  });

  it('refuses what publish() refuses, and sends nothing', () => {
    expect(() => previewRecords({ hostName: 'a..b', addresses: [] }, [])).toThrow(
      expect.objectContaining({ code: 'BAD_HOST_NAME' }),
    );
    expect(() =>
      previewRecords({ hostName: 'ok', addresses: [] }, [{ name: '', type: '_http._tcp', port: 80 }]),
    ).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
    expect(
      previewRecords({ hostName: 'ok.local', addresses: [{ address: '192.0.2.7', family: 4 }] }, []).map((r) => [
        r.name,
        r.type,
        r.ttl,
        r.cacheFlush,
      ]),
    ).toEqual([
      ['ok.local', 'A', 120, true],
      ['7.2.0.192.in-addr.arpa', 'PTR', 120, false],
    ]);
  });
});
