import { describe, expect, it } from 'vitest';
import {
  canonicalRdata,
  compareBytes,
  compareProbeSets,
  compareRecordsCanonical,
  sameRecord,
} from '../../src/wire/canonical.js';
import type { ResourceRecord } from '../../src/wire/model.js';

const a = (data: string, extra: Partial<ResourceRecord> = {}): ResourceRecord =>
  ({ name: 'host.local', type: 'A', ttl: 120, data, ...extra }) as ResourceRecord;
const srv = (port: number, target = 'host.local'): ResourceRecord => ({
  name: 'svc._http._tcp.local',
  type: 'SRV',
  ttl: 120,
  data: { priority: 0, weight: 0, port, target },
});

describe('RFC 6762 §8.2 canonical ordering', () => {
  it('compares bytes as unsigned values, a prefix first', () => {
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(0);
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBe(-1);
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(-1);
  });

  it('orders by class, then type, then RDATA; cache-flush and TTL do not matter', () => {
    expect(compareRecordsCanonical(a('192.0.2.1', { class: 1 }), a('192.0.2.1', { class: 3 }))).toBe(-1);
    // A (1) sorts before SRV (33) whatever the data.
    expect(compareRecordsCanonical(a('255.255.255.255'), srv(1))).toBe(-1);
    expect(compareRecordsCanonical(a('192.0.2.10'), a('192.0.2.9'))).toBe(1);
    expect(compareRecordsCanonical(a('192.0.2.9', { cacheFlush: true, ttl: 1 }), a('192.0.2.9'))).toBe(0);
  });

  it('RDATA names are compared uncompressed, in their own case', () => {
    expect(Buffer.from(canonicalRdata(srv(80, 'Host.local'))).toString('latin1')).toBe(
      '\x00\x00\x00\x00\x00\x50\x04Host\x05local\x00',
    );
    // 'H' (0x48) < 'h' (0x68)
    expect(compareRecordsCanonical(srv(80, 'Host.local'), srv(80, 'host.local'))).toBe(-1);
  });

  it('RFC 6762 §8.2 example: 169.254.99.200 beats 169.254.200.50', () => {
    expect(compareProbeSets([a('169.254.200.50')], [a('169.254.99.200')])).toBe(1);
    expect(compareProbeSets([a('169.254.99.200')], [a('169.254.200.50')])).toBe(-1);
  });

  it('tiebreak: sorted before comparing, first difference decides, identical sets tie, longer set wins', () => {
    const ours = [srv(80), a('192.0.2.1')];
    const same = [a('192.0.2.1'), srv(80)];
    expect(compareProbeSets(ours, same)).toBe(0);
    expect(compareProbeSets(ours, [a('192.0.2.1'), srv(81)])).toBe(-1);
    expect(compareProbeSets([a('192.0.2.2')], [a('192.0.2.1'), srv(9)])).toBe(1);
    expect(compareProbeSets(ours, [a('192.0.2.1')])).toBe(1);
    expect(compareProbeSets([a('192.0.2.1')], ours)).toBe(-1);
  });

  it('record identity ignores letter case of names inside RDATA too (RFC 4343)', () => {
    const ptr = (data: string): ResourceRecord => ({ name: '_http._tcp.local', type: 'PTR', ttl: 4500, data });
    expect(sameRecord(ptr('Svc._http._tcp.local'), ptr('svc._http._tcp.LOCAL'))).toBe(true);
    expect(sameRecord(srv(80, 'Host.local'), srv(80, 'host.local'))).toBe(true);
    expect(sameRecord(srv(80, 'Host.local'), srv(81, 'host.local'))).toBe(false);
    expect(sameRecord(ptr('a._http._tcp.local'), ptr('b._http._tcp.local'))).toBe(false);
  });

  it('record identity ignores name case, TTL and cache-flush, not RDATA', () => {
    expect(sameRecord(a('192.0.2.1'), a('192.0.2.1', { name: 'HOST.local', ttl: 0, cacheFlush: true }))).toBe(true);
    expect(sameRecord(a('192.0.2.1'), a('192.0.2.2'))).toBe(false);
    expect(sameRecord(a('192.0.2.1'), a('192.0.2.1', { class: 3 }))).toBe(false);
  });
});
