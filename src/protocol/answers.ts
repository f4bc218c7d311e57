/**
 * Which of our records answer a query, with their additional records: pure
 * functions over the records announced on one interface (RFC 6762 §6,
 * §7.1; RFC 6763 §12).
 */
import { CLASS_ANY, CLASS_IN } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { nsecFor } from '../records/service-records.js';
import { sameRecord } from '../wire/canonical.js';
import type { Question, ResourceRecord } from '../wire/model.js';
import { nameKey } from '../wire/name.js';

/** An answer set for one query on one interface. */
export interface AnswerSet {
  answers: OwnedRecord[];
  additionals: OwnedRecord[];
}

function matchesQuestion(record: ResourceRecord, question: Question): boolean {
  const klass = question.class ?? CLASS_IN;
  if (klass !== CLASS_ANY && klass !== (record.class ?? CLASS_IN)) return false;
  if (question.type !== 'ANY' && question.type !== record.type) return false;
  if (question.type === 'UNKNOWN') return false;
  return nameKey(question.name) === nameKey(record.name);
}

/**
 * RFC 6762 §7.1 known-answer suppression: the querier already has this
 * record with at least half our TTL.
 */
export function knownToQuerier(record: ResourceRecord, knownAnswers: readonly ResourceRecord[]): boolean {
  return knownAnswers.some((known) => sameRecord(known, record) && known.ttl >= record.ttl / 2);
}

/** Whether we own a unique record by this name (so absence of a type is ours to assert). */
function ownsUniqueName(records: readonly OwnedRecord[], name: string): boolean {
  const key = nameKey(name);
  return records.some((r) => r.unique && nameKey(r.record.name) === key);
}

/**
 * Answers to `questions` from `records`, minus what the querier says it
 * knows, with the additional records RFC 6763 §12 asks for (PTR → SRV, TXT
 * and addresses; SRV → addresses) and NSEC where a name of ours lacks the
 * type asked for or an address family (RFC 6762 §6.1). No record appears
 * twice.
 */
export function answerQuery(
  questions: readonly Question[],
  records: readonly OwnedRecord[],
  knownAnswers: readonly ResourceRecord[] = [],
  negativeTtl = 120,
): AnswerSet {
  const answers: OwnedRecord[] = [];
  const additionals: OwnedRecord[] = [];
  // By content: two registrations may own the same shared record (the enumeration PTR).
  const included = (r: OwnedRecord): boolean => [...answers, ...additionals].some((x) => sameRecord(x.record, r.record));
  const nsecNames = new Set<string>();
  for (const question of questions) {
    const matching = records.filter((r) => matchesQuestion(r.record, question));
    for (const r of matching) {
      if (!included(r) && !knownToQuerier(r.record, knownAnswers)) answers.push(r);
    }
    if (matching.length === 0 && question.type !== 'ANY' && ownsUniqueName(records, question.name)) nsecNames.add(nameKey(question.name));
  }
  const addAdditional = (r: OwnedRecord): void => {
    if (!included(r) && !knownToQuerier(r.record, knownAnswers)) additionals.push(r);
  };
  const addressesOf = (host: string): void => {
    const key = nameKey(host);
    const addresses = records.filter((r) => (r.record.type === 'A' || r.record.type === 'AAAA') && nameKey(r.record.name) === key);
    addresses.forEach(addAdditional);
    // RFC 6762 §6.1: say the missing family does not exist.
    const families = new Set(addresses.map((r) => r.record.type));
    if (addresses.length > 0 && families.size < 2) nsecNames.add(key);
  };
  for (const answer of [...answers]) {
    const { record } = answer;
    if (record.type === 'PTR') {
      const target = nameKey(record.data);
      for (const r of records) {
        if ((r.record.type === 'SRV' || r.record.type === 'TXT') && nameKey(r.record.name) === target) addAdditional(r);
      }
      for (const r of records) {
        if (r.record.type === 'SRV' && nameKey(r.record.name) === target) addressesOf(r.record.data.target);
      }
    } else if (record.type === 'SRV') {
      addressesOf(record.data.target);
    } else if (record.type === 'A' || record.type === 'AAAA') {
      addressesOf(record.name);
    }
  }
  for (const key of nsecNames) {
    const owner = records.find((r) => nameKey(r.record.name) === key);
    if (owner) additionals.push({ unique: true, record: nsecFor(owner.record.name, records, owner.record.ttl ?? negativeTtl) });
  }
  return { answers, additionals };
}
