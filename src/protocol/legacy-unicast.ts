/**
 * Replies to legacy unicast queriers (RFC 6762 §6.7): queries from a port
 * other than 5353, such as `dig -p 5353 @host`.
 */
import { FLAG_AUTHORITATIVE, FLAG_RESPONSE, LEGACY_UNICAST_DEFAULT_PAYLOAD } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { legacyForm } from '../records/wire-forms.js';
import type { Packet } from '../wire/model.js';

/**
 * The reply: the query's id, its questions echoed, TTLs of at most 10 s, no
 * cache-flush bits; and the querier's payload limit (512 bytes, or the
 * EDNS0 size it advertises).
 */
export function legacyReply(
  query: Packet,
  answers: readonly OwnedRecord[],
  additionals: readonly OwnedRecord[],
): { packet: Partial<Packet>; budget: number } {
  const opt = query.additionals.find((r) => r.type === 'OPT');
  const budget = Math.max(LEGACY_UNICAST_DEFAULT_PAYLOAD, opt?.class ?? 0);
  const inAnswers = new Set(answers);
  return {
    packet: {
      id: query.id,
      flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE,
      questions: query.questions,
      answers: answers.map(legacyForm),
      additionals: additionals.filter((r) => !inAnswers.has(r)).map(legacyForm),
    },
    budget,
  };
}
