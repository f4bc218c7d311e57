/**
 * The cache of others' records (RFC 6762 §10) on the fake clock: TTL
 * expiry and renewal, goodbyes one second later, cache-flush of older
 * records of the set only, POOF, topology flush, the bound and its
 * eviction rule, and one timer at most.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordCache, type CachedRecord, type RemovalReason } from '../../src/cache/record-cache.js';
import { systemClock } from '../../src/protocol/clock.js';
import type { ResourceRecord } from '../../src/wire/model.js';

const T0 = Date.UTC(2026, 0, 1);
const PEER = '192.0.2.20';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

function txt(name: string, text: string, ttl = 120, cacheFlush = true): ResourceRecord {
  return { name, type: 'TXT', class: 1, ttl, cacheFlush, data: [new TextEncoder().encode(text)] };
}
function ptr(target: string, ttl = 4500): ResourceRecord {
  return { name: '_http._tcp.local', type: 'PTR', class: 1, ttl, data: target };
}

function watched(options = {}): { cache: RecordCache; removed: [string, RemovalReason, number][]; added: string[] } {
  const cache = new RecordCache(systemClock, options);
  const removed: [string, RemovalReason, number][] = [];
  const added: string[] = [];
  cache.on('added', (e: CachedRecord) => added.push(e.record.name));
  cache.on('removed', (e, reason) => removed.push([e.record.name, reason, Date.now() - T0]));
  return { cache, removed, added };
}

describe('RecordCache', () => {
  it('keeps a record for its TTL and no longer; a new copy renews it', () => {
    const { cache, removed } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local', 10)]);
    vi.advanceTimersByTime(9_000);
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local', 10)]);
    vi.advanceTimersByTime(9_999);
    expect(removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(removed).toEqual([['_http._tcp.local', 'expired', 19_000]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('deletes a record one second after its goodbye (§10.1), and ignores a goodbye for what it never held', () => {
    const { cache, removed, added } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local')]);
    vi.advanceTimersByTime(5_000);
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local', 0), ptr('b._http._tcp.local', 0)]);
    expect(added).toEqual(['_http._tcp.local']);
    vi.advanceTimersByTime(999);
    expect(removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(removed).toEqual([['_http._tcp.local', 'goodbye', 6_000]]);
    expect(cache.stats.records).toBe(0);
  });

  it('cache-flush expires older records of the set in one second, keeps those of the last second and of other types (§10.2)', () => {
    const { cache, removed } = watched();
    const a = (address: string): ResourceRecord => ({
      name: 'a.local',
      type: 'A',
      class: 1,
      ttl: 120,
      cacheFlush: true,
      data: address,
    });
    cache.absorb('eth0', PEER, [a('192.0.2.1'), txt('a.local', 'kept')]);
    vi.advanceTimersByTime(500);
    cache.absorb('eth0', PEER, [a('192.0.2.2')]);
    vi.advanceTimersByTime(1_500);
    // 2 s after .1, 1.5 s after .2: both are older than a second now.
    cache.absorb('eth0', PEER, [a('192.0.2.3'), a('192.0.2.4')]);
    expect(cache.atName('eth0', 'a.local')).toHaveLength(5);
    vi.advanceTimersByTime(1_000);
    expect(removed.map(([, reason, at]) => [reason, at])).toEqual([
      ['flushed', 3_000],
      ['flushed', 3_000],
    ]);
    const left = cache.atName('eth0', 'a.local').map((e) => (e.record.type === 'A' ? e.record.data : e.record.type));
    expect(left.sort()).toEqual(['192.0.2.3', '192.0.2.4', 'TXT']);
  });

  it('a cache-flush address within a second of the first of its set flushes nothing (one announcement over two packets)', () => {
    const { cache, removed } = watched();
    const a = (address: string): ResourceRecord => ({
      name: 'h.local',
      type: 'A',
      class: 1,
      ttl: 120,
      cacheFlush: true,
      data: address,
    });
    cache.absorb('eth0', PEER, [a('192.0.2.20')]);
    vi.advanceTimersByTime(800);
    cache.absorb('eth0', PEER, [a('192.0.2.21')]);
    vi.advanceTimersByTime(5_000);
    expect(removed).toEqual([]);
  });

  it('a TXT replaces the other TXT of its name however recent, so a stale answer sent after an update does not linger (RFC 6763 §6.8)', () => {
    const { cache } = watched();
    const values = (): string[] =>
      cache
        .atName('eth0', 'a.local')
        .map((e) => (e.record.type === 'TXT' ? new TextDecoder().decode(e.record.data[0]) : ''))
        .sort();
    cache.absorb('eth0', PEER, [txt('a.local', 'v=1', 4500)]);
    vi.advanceTimersByTime(6);
    cache.absorb('eth0', PEER, [txt('a.local', 'v=2', 4500)]);
    vi.advanceTimersByTime(160);
    // The peer's answer queued before its update, carrying the old TXT.
    cache.absorb('eth0', PEER, [txt('a.local', 'v=1', 4500)]);
    vi.advanceTimersByTime(60);
    cache.absorb('eth0', PEER, [txt('a.local', 'v=2', 4500)]);
    vi.advanceTimersByTime(999);
    expect(values()).toEqual(['v=1', 'v=2']);
    vi.advanceTimersByTime(1);
    expect(values()).toEqual(['v=2']);
  });

  it('POOF: two unanswered queries and no answer within 10 s of the first delete the record (§10.5)', () => {
    const { cache, removed } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local'), ptr('b._http._tcp.local')]);
    const [a, b] = cache.atName('eth0', '_http._tcp.local') as [CachedRecord, CachedRecord];
    vi.advanceTimersByTime(1_000);
    cache.unansweredQuery([a, b]);
    vi.advanceTimersByTime(3_000);
    cache.unansweredQuery([a, b]);
    vi.advanceTimersByTime(2_000);
    // b answers: it stays.
    cache.absorb('eth0', PEER, [ptr('b._http._tcp.local')]);
    vi.advanceTimersByTime(4_999);
    expect(removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(removed).toEqual([['_http._tcp.local', 'poof', 11_000]]);
    expect(cache.atName('eth0', '_http._tcp.local').map((e) => e.record.data)).toEqual(['b._http._tcp.local']);
  });

  it('one query alone never deletes a record', () => {
    const { cache, removed } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local')]);
    cache.unansweredQuery(cache.atName('eth0', '_http._tcp.local'));
    vi.advanceTimersByTime(60_000);
    expect(removed).toEqual([]);
  });

  it('flushes an interface that went away, and only that one (§10.4)', () => {
    const { cache, removed } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local')]);
    cache.absorb('eth1', PEER, [ptr('a._http._tcp.local')]);
    cache.flushInterface('eth0');
    expect(removed.map(([, reason]) => reason)).toEqual(['interface']);
    expect(cache.atName('eth1', '_http._tcp.local')).toHaveLength(1);
    expect(cache.stats.records).toBe(1);
  });

  it('is bounded: a new record evicts the one no question wants received longest ago', () => {
    const { cache, removed } = watched({ maxRecords: 3 });
    cache.absorb('eth0', PEER, [ptr('first._http._tcp.local', 60)]);
    vi.advanceTimersByTime(1_000);
    cache.absorb('eth0', PEER, [ptr('second._http._tcp.local', 4500)]);
    vi.advanceTimersByTime(1_000);
    cache.absorb('eth0', PEER, [ptr('third._http._tcp.local', 10)]);
    // Renewed: it goes to the back of the order.
    cache.absorb('eth0', PEER, [ptr('first._http._tcp.local', 60)]);
    cache.absorb('eth0', PEER, [ptr('new._http._tcp.local', 120)]);
    expect(removed.map(([name, reason]) => [name, reason])).toEqual([['_http._tcp.local', 'evicted']]);
    expect(
      cache
        .atName('eth0', '_http._tcp.local')
        .map((e) => e.record.data)
        .sort(),
    ).toEqual(['first._http._tcp.local', 'new._http._tcp.local', 'third._http._tcp.local']);
    expect(cache.stats).toEqual({ records: 3, evicted: 1 });
  });

  it('when every record is wanted, a new record evicts the one due to expire soonest', () => {
    const { cache } = watched({ maxRecords: 3 });
    cache.wantedBy(() => true);
    cache.absorb('eth0', PEER, [
      ptr('long._http._tcp.local', 4500),
      ptr('short._http._tcp.local', 60),
      ptr('mid._http._tcp.local', 600),
    ]);
    cache.absorb('eth0', PEER, [ptr('new._http._tcp.local', 120)]);
    expect(
      cache
        .atName('eth0', '_http._tcp.local')
        .map((e) => e.record.data)
        .sort(),
    ).toEqual(['long._http._tcp.local', 'mid._http._tcp.local', 'new._http._tcp.local']);
  });

  it('a flood of long-lived records of unwanted names cannot push out the records a question wants', () => {
    const { cache } = watched({ maxRecords: 100 });
    const wanted = new Set(['svc._http._tcp.local|SRV', 'host.local|A']);
    cache.wantedBy((nameKey, type) => wanted.has(`${nameKey}|${type}`));
    const srv: ResourceRecord = {
      name: 'svc._http._tcp.local',
      type: 'SRV',
      class: 1,
      ttl: 120,
      data: { priority: 0, weight: 0, port: 80, target: 'host.local' },
    };
    const a: ResourceRecord = { name: 'host.local', type: 'A', class: 1, ttl: 120, data: '192.0.2.20' };
    // Cached before anyone asked: protect() takes it out of the eviction order when the question starts.
    cache.absorb('eth0', PEER, [a]);
    cache.protect('host.local', 'A');
    cache.absorb('eth0', PEER, [srv]);
    for (let i = 0; i < 10_000; i++)
      cache.absorb('eth0', '192.0.2.66', [{ ...a, name: `junk-${i}.local`, ttl: 0x7fffffff }]);
    expect(cache.stats.records).toBe(100);
    expect(cache.atName('eth0', 'svc._http._tcp.local')).toHaveLength(1);
    expect(cache.atName('eth0', 'host.local')).toHaveLength(1);
  });

  it('evicting the last record of the very name being added keeps the new record in the cache (and expiry terminates)', () => {
    const { cache } = watched({ maxRecords: 2 });
    const a = (name: string, address: string, ttl: number): ResourceRecord => ({
      name,
      type: 'A',
      class: 1,
      ttl,
      data: address,
    });
    cache.absorb('eth0', PEER, [a('x.local', '192.0.2.1', 1)]);
    cache.absorb('eth0', PEER, [a('y.local', '192.0.2.2', 100)]);
    cache.absorb('eth0', PEER, [a('x.local', '192.0.2.3', 50)]);
    expect(cache.stats.records).toBe(2);
    expect(cache.atName('eth0', 'x.local').map((e) => e.record.data)).toEqual(['192.0.2.3']);
    // Before the fix the orphaned entry stayed on the deadline heap and expiry looped for ever here.
    vi.advanceTimersByTime(200_000);
    expect(cache.stats.records).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a flood of 50,000 distinct names stays within the bound, on one timer', () => {
    const { cache } = watched({ maxRecords: 1_000 });
    for (let i = 0; i < 50_000; i++) cache.absorb('eth0', PEER, [ptr(`i${i}._http._tcp.local`, 100 + (i % 50))]);
    expect(cache.stats.records).toBe(1_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(200_000);
    expect(cache.stats.records).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stores records without their cache-flush bit and answers questions by type', () => {
    const { cache } = watched();
    cache.absorb('eth0', PEER, [
      txt('a.local', 'x'),
      { name: 'A.local', type: 'A', class: 1, ttl: 120, cacheFlush: true, data: '192.0.2.20' },
    ]);
    expect(
      cache.answers('eth0', { name: 'a.local', type: 'A' }, 'a.local').map((e) => [e.record.type, e.record.cacheFlush]),
    ).toEqual([['A', false]]);
    expect(cache.answers('eth0', { name: 'a.local', type: 'ANY' }, 'a.local')).toHaveLength(2);
    vi.advanceTimersByTime(30_500);
    expect(cache.remainingTtl(cache.atName('eth0', 'a.local')[0] as CachedRecord)).toBe(89);
  });

  it('lists a record as a known answer with its remaining TTL, one object per cached copy (§7.1)', () => {
    const { cache } = watched();
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local', 100)]);
    const [entry] = cache.atName('eth0', '_http._tcp.local');
    if (!entry) throw new Error('not cached');
    const first = cache.knownAnswer(entry);
    expect(first).toMatchObject({ name: '_http._tcp.local', type: 'PTR', ttl: 100, data: 'a._http._tcp.local' });
    vi.advanceTimersByTime(30_500);
    const again = cache.knownAnswer(entry);
    expect(again).toBe(first);
    expect(again.ttl).toBe(69);
    expect(entry.record.ttl).toBe(100);
    cache.absorb('eth0', PEER, [ptr('a._http._tcp.local', 100)]);
    const renewed = cache.knownAnswer(entry);
    expect(renewed).not.toBe(first);
    expect(renewed.ttl).toBe(100);
  });
});
