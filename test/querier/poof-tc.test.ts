/**
 * RFC 6762 §10.5 (POOF) beside §7.2: known answers a peer lists in the
 * packets after its TC query are known answers too, so a record listed there
 * is not "unanswered" (found by the churn soak: a browser lost live services);
 * and a name with more cached records than a packet can list is left alone.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MAX_RECORDS_PER_SECTION } from '../../src/constants.js';
import { MdnsCore } from '../../src/core/core.js';
import { Querier } from '../../src/querier/querier.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { PacketInput, ResourceRecord } from '../../src/wire/model.js';
import { fakeTransport, PEER, q, useFakeClock } from '../protocol/helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());
const TYPE = '_http._tcp.local';
const ptr = (i: string): ResourceRecord => ({ name: TYPE, type: 'PTR', class: 1, ttl: 4500, data: `${i}.${TYPE}` });

/** A core with a querier on the fake transport, and a way to deliver packets from the peer. */
async function querierOnFakeLink(): Promise<{ core: MdnsCore; deliver: (p: PacketInput) => void }> {
  const transport = fakeTransport();
  const core = new MdnsCore({ transport, random: () => 0.5 });
  await core.start();
  new Querier(core);
  const deliver = (p: PacketInput): void =>
    transport.deliver({ data: encodePacket(p), interface: 'eth0', source: { ...PEER } });
  return { core, deliver };
}

/** Every record the cache drops from now on, as "data reason". */
function removals(core: MdnsCore): string[] {
  const removed: string[] = [];
  core.cache.on('removed', (e, reason) => removed.push(`${String(e.record.data)} ${reason}`));
  return removed;
}

it('POOF ignores known answers that follow a TC query (RFC 6762 §7.2, §10.5)', async () => {
  const { core, deliver } = await querierOnFakeLink();
  deliver({ id: 0, flags: 0x8400, answers: [ptr('a'), ptr('b')] });
  const removed = removals(core);
  // A peer that knows both lists 'a' in its TC query and 'b' in the packet that follows (§7.2), twice.
  for (let round = 0; round < 2; round++) {
    deliver({ id: 0, flags: 0x0200, questions: [q(TYPE, 'PTR')], answers: [ptr('a')] });
    await vi.advanceTimersByTimeAsync(10);
    deliver({ id: 0, flags: 0, answers: [ptr('b')] });
    await vi.advanceTimersByTimeAsync(2_000);
  }
  await vi.advanceTimersByTimeAsync(10_000);
  expect(removed).toEqual([]);
});

it('POOF leaves a name with more cached records than one packet can list alone (a query costs what it carries, not what we hold)', async () => {
  const { core, deliver } = await querierOnFakeLink();
  const many = Array.from({ length: MAX_RECORDS_PER_SECTION + 1 }, (_, i) => ptr(`i${i}`));
  for (let i = 0; i < many.length; i += 50) deliver({ id: 0, flags: 0x8400, answers: many.slice(i, i + 50) });
  const removed = removals(core);
  for (let round = 0; round < 2; round++) {
    deliver({ id: 0, flags: 0, questions: [q(TYPE, 'PTR')] });
    await vi.advanceTimersByTimeAsync(2_000);
  }
  await vi.advanceTimersByTimeAsync(10_000);
  expect(removed).toEqual([]);
  expect(core.cache.stats.records).toBe(many.length);
});
