/**
 * Are our services still published and answering correctly? After a batch,
 * on a quiet link, a legitimate on-link querier asks for every record we
 * published, three ways: a legacy unicast query (RFC 6762 §6.7, answered at
 * once by unicast, every record in one reply), a QU query for each SRV and
 * PTR (§5.4: by unicast, or by multicast when the record was not multicast
 * within a quarter of its TTL) and a QM query for each PTR (§6: multicast
 * after 20–120 ms, or once the §6.2 second has passed). The answers must be
 * exactly the published records — none lost, none changed (RFC 6762 §9
 * renames followed: the names are the current ones). The querier side must
 * still resolve each instance to its published port, host and TXT.
 */
import { FLAG_RESPONSE } from '../../../src/constants.js';
import { recordKey } from '../../../src/wire/canonical.js';
import { decodePacket } from '../../../src/wire/decode.js';
import { encodePacket } from '../../../src/wire/encode.js';
import type { Packet, Question, ResourceRecord } from '../../../src/wire/model.js';
import { nameKey } from '../../../src/wire/name.js';
import { settle } from './fake-clock.js';
import { expectedRecords, type Stack } from './stack.js';

/** The legitimate querier (on-link, never a fuzz source: fuzz on-link sources are .20–.250 and random). */
export const LEGIT_V4 = '192.0.2.3';
const LEGACY_PORT = 40_001;
/** The EDNS0 payload size its legacy query claims (RFC 6891), room for every record in one reply. */
const LEGACY_EDNS_SIZE = 1_440;
/** What its legacy replies may weigh, for checkSent. */
export const LEGIT_LEGACY_BUDGETS: ReadonlyMap<string, number> = new Map([
  [`${LEGIT_V4}|${LEGACY_PORT}`, LEGACY_EDNS_SIZE],
]);
/** Long enough for a shared answer's delay, a held-back multicast (§6.2) and a TC wait (§7.2). */
const ANSWER_WAIT_MS = 1_200;

function responsesSince(stack: Stack, from: number, to?: string): Packet[] {
  const out: Packet[] = [];
  for (const s of stack.transport.sent.slice(from)) {
    if (to !== undefined && s.target.address !== to) continue;
    if (to === undefined && s.target.address !== undefined) continue;
    const p = decodePacket(s.data);
    if ((p.flags & FLAG_RESPONSE) !== 0) out.push(p);
  }
  return out;
}

function keysOf(records: readonly ResourceRecord[]): Set<string> {
  return new Set(records.map((r) => recordKey(r)));
}

function deliverQuery(stack: Stack, questions: Question[], port: number, additionals: ResourceRecord[] = []): void {
  stack.front.deliver(encodePacket({ id: port === 5353 ? 0 : 0x1234, flags: 0, questions, additionals }), {
    family: 4,
    source: { address: LEGIT_V4, port },
    destination: 'multicast',
  });
}

/** Problems found on each side: empty when every published record is answered unchanged, and every instance resolves. */
export interface Liveness {
  /** The responder side: records lost or changed in our answers. */
  answers: string[];
  /** The querier side: instances that did not resolve to what was published. */
  resolve: string[];
}

/** Ask for everything we published, and resolve every instance. */
export async function checkLiveness(stack: Stack): Promise<Liveness> {
  const problems: string[] = [];
  const unresolved: string[] = [];
  const expected = expectedRecords(stack);
  const expectedKeys = keysOf(expected);
  const ours = new Set(expected.map((r) => nameKey(r.name)));

  // 1. Legacy unicast: every record, in one reply, with EDNS0 room for it.
  const questions = [
    ...new Map(
      expected.map((r) => [`${nameKey(r.name)}|${r.type}`, { name: r.name, type: r.type, class: 1 } as Question]),
    ).values(),
  ];
  const opt: ResourceRecord = { name: '', type: 'OPT', class: LEGACY_EDNS_SIZE, ttl: 0, data: new Uint8Array(0) };
  let mark = stack.transport.sent.length;
  deliverQuery(stack, questions, LEGACY_PORT, [opt]);
  await settle();
  const legacy = responsesSince(stack, mark, LEGIT_V4);
  const answered = legacy.flatMap((p) => p.answers);
  const got = keysOf(answered);
  for (const r of expected) if (!got.has(recordKey(r))) problems.push(`legacy reply lacks ${r.type} ${r.name}`);
  for (const r of answered)
    if (ours.has(nameKey(r.name)) && !expectedKeys.has(recordKey(r)))
      problems.push(`legacy reply has a changed ${r.type} ${r.name}: ${JSON.stringify(r.data)}`);

  // 2. QU for SRV and PTR, QM for PTR: a response (unicast to us or multicast) within the wait.
  for (const { service, spec } of stack.published) {
    const type = `${spec.type}.local`;
    for (const [question, want] of [
      [{ name: service.fullName, type: 'SRV', class: 1, unicastResponse: true }, 'SRV'],
      [{ name: type, type: 'PTR', class: 1, unicastResponse: true }, 'PTR'],
      [{ name: type, type: 'PTR', class: 1, unicastResponse: false }, 'PTR'],
    ] as const) {
      mark = stack.transport.sent.length;
      deliverQuery(stack, [question], 5353);
      await stack.clock.advance(ANSWER_WAIT_MS);
      const replies = [...responsesSince(stack, mark, LEGIT_V4), ...responsesSince(stack, mark)];
      const records = replies
        .flatMap((p) => p.answers)
        .filter((r) => nameKey(r.name) === nameKey(question.name) && r.type === want);
      const wanted = expected.filter((r) => nameKey(r.name) === nameKey(question.name) && r.type === want);
      const keys = keysOf(records);
      for (const r of wanted)
        if (!keys.has(recordKey(r)))
          problems.push(`${question.unicastResponse ? 'QU' : 'QM'} ${want} ${question.name}: no answer with it`);
      for (const r of records)
        if (!expectedKeys.has(recordKey(r)))
          problems.push(`${want} ${question.name} answered with changed data ${JSON.stringify(r.data)}`);
    }
  }

  // 3. The querier side resolves each instance to what was published.
  for (const { service, spec, txt } of stack.published) {
    const resolving = stack.mdns.resolve(service.fullName, { timeout: 3_000 }).then(
      (view) => view,
      (error: unknown) => error as Error,
    );
    let settled = false;
    void resolving.then(() => (settled = true));
    for (let i = 0; i < 40 && !settled; i++) await stack.clock.advance(100);
    const view = await resolving;
    if (view instanceof Error) {
      unresolved.push(`resolve ${service.fullName}: ${view.message}`);
      continue;
    }
    if (view.port !== spec.port)
      unresolved.push(`resolve ${service.fullName}: port ${view.port}, published ${spec.port}`);
    if (nameKey(view.host) !== nameKey(stack.mdns.responder.hostName))
      unresolved.push(`resolve ${service.fullName}: host ${view.host}`);
    const want = txt.map((b) => Buffer.from(b).toString('hex')).join(',');
    const have = view.txtRaw.map((b) => Buffer.from(b).toString('hex')).join(',');
    if (want !== have) unresolved.push(`resolve ${service.fullName}: TXT ${have}, published ${want}`);
  }
  return { answers: problems, resolve: unresolved };
}
