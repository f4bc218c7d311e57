/**
 * A query as packets (RFC 6762 §7.2): the questions in the first packet, the
 * known answers after them; when the known answers do not all fit, each
 * packet but the last has the TC bit set and the rest follow in packets of
 * known answers only, sent at once, so responders wait for them (§7.2: a
 * responder waits 400–500 ms after a TC query).
 */
import { FLAG_TRUNCATED } from '../constants.js';
import { PacketBuilder } from '../wire/encode.js';
import type { Question, ResourceRecord } from '../wire/model.js';

/** Packets of one query within `budget` bytes each (a single oversized item goes alone, §17). */
export function queryPackets(
  questions: readonly Question[],
  knownAnswers: readonly ResourceRecord[],
  budget: number,
): Buffer[] {
  const packets: Buffer[] = [];
  let builder = new PacketBuilder(0, 0, { budget });
  for (const q of questions) {
    if (builder.addQuestion(q)) continue;
    // More questions than one packet holds: the rest go in a query of their own.
    packets.push(builder.finish());
    builder = new PacketBuilder(0, 0, { budget });
    builder.addQuestion(q);
  }
  for (const record of knownAnswers) {
    if (builder.addRecord('answers', record)) continue;
    builder.setFlags(FLAG_TRUNCATED);
    packets.push(builder.finish());
    builder = new PacketBuilder(0, 0, { budget });
    builder.addRecord('answers', record);
  }
  packets.push(builder.finish());
  return packets;
}
