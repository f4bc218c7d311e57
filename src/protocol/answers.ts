/**
 * Which of our records answer a query, with their additional records: pure
 * functions over the records announced on one interface (RFC 6762 §6,
 * §7.1; RFC 6763 §12). Records are looked up by owner name key, so a query
 * costs the size of its answer, not one comparison per record held.
 */
import { CLASS_ANY, CLASS_IN } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { nsecFor } from '../records/service-records.js';
import { ownerKey, recordKey, targetKey } from '../wire/canonical.js';
import type { Question, ResourceRecord } from '../wire/model.js';
import { nameKey } from '../wire/name.js';

/** An answer set for one query on one interface. */
export interface AnswerSet {
  answers: OwnedRecord[];
  additionals: OwnedRecord[];
}

/**
 * A querier's known answers (RFC 6762 §7.1), indexed: the longest TTL it
 * holds for each record.
 */
export class KnownAnswers {
  private readonly ttls = new Map<string, number>();

  constructor(records: readonly ResourceRecord[] = []) {
    for (const r of records) {
      const key = recordKey(r);
      this.ttls.set(key, Math.max(this.ttls.get(key) ?? -1, r.ttl));
    }
  }

  /** RFC 6762 §7.1: the querier already has this record with at least half our TTL. */
  has(record: ResourceRecord): boolean {
    const ttl = this.ttls.get(recordKey(record));
    return ttl !== undefined && ttl >= record.ttl / 2;
  }
}

/** RFC 6762 §7.1 known-answer suppression, for one record against a list. */
export function knownToQuerier(
  record: ResourceRecord,
  knownAnswers: readonly ResourceRecord[] | KnownAnswers,
): boolean {
  return (knownAnswers instanceof KnownAnswers ? knownAnswers : new KnownAnswers(knownAnswers)).has(record);
}

/** NSEC records by the list of records at their name: the store keeps a list until the records change, so each is made once. */
const nsecs = new WeakMap<readonly OwnedRecord[], OwnedRecord>();

/** RFC 6762 §6.1: the NSEC of a name of ours, from its records (none for a name we do not own). */
function nsecOf(atName: readonly OwnedRecord[], negativeTtl: number): OwnedRecord | undefined {
  const owner = atName[0];
  if (!owner) return undefined;
  let nsec = nsecs.get(atName);
  if (!nsec) {
    nsec = { unique: true, record: nsecFor(owner.record.name, atName, owner.record.ttl ?? negativeTtl) };
    nsecs.set(atName, nsec);
  }
  return nsec;
}

/** Our records owned by the name with this key (see AnnouncedStore.atName). */
export type RecordLookup = (nameKey: string) => readonly OwnedRecord[];

function matchesQuestion(record: ResourceRecord, question: Question): boolean {
  const klass = question.class ?? CLASS_IN;
  if (klass !== CLASS_ANY && klass !== (record.class ?? CLASS_IN)) return false;
  if (question.type === 'UNKNOWN') return false;
  return question.type === 'ANY' || question.type === record.type;
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
  lookup: RecordLookup,
  knownAnswers: readonly ResourceRecord[] = [],
  negativeTtl = 120,
): AnswerSet {
  const known = new KnownAnswers(knownAnswers);
  const answers: OwnedRecord[] = [];
  const additionals: OwnedRecord[] = [];
  // By content: two registrations may own the same shared record (the enumeration PTR).
  const included = new Set<string>();
  const take = (r: OwnedRecord, into: OwnedRecord[]): void => {
    const key = recordKey(r.record);
    if (included.has(key) || known.has(r.record)) return;
    included.add(key);
    into.push(r);
  };
  const nsecNames = new Set<string>();
  for (const question of questions) {
    const key = nameKey(question.name);
    const atName = lookup(key);
    const matching = atName.filter((r) => matchesQuestion(r.record, question));
    for (const r of matching) take(r, answers);
    if (matching.length === 0 && question.type !== 'ANY' && atName.some((r) => r.unique)) nsecNames.add(key);
  }
  const addressesOf = (key: string): void => {
    const addresses = lookup(key).filter((r) => r.record.type === 'A' || r.record.type === 'AAAA');
    for (const r of addresses) take(r, additionals);
    // RFC 6762 §6.1: say the missing family does not exist.
    const families = new Set(addresses.map((r) => r.record.type));
    if (addresses.length > 0 && families.size < 2) nsecNames.add(key);
  };
  for (const answer of [...answers]) {
    const { record } = answer;
    if (record.type === 'PTR') {
      const atTarget = lookup(targetKey(record));
      for (const r of atTarget) if (r.record.type === 'SRV' || r.record.type === 'TXT') take(r, additionals);
      for (const r of atTarget) if (r.record.type === 'SRV') addressesOf(targetKey(r.record));
    } else if (record.type === 'SRV') {
      addressesOf(targetKey(record));
    } else if (record.type === 'A' || record.type === 'AAAA') {
      addressesOf(ownerKey(record));
    }
  }
  for (const key of nsecNames) {
    const nsec = nsecOf(lookup(key), negativeTtl);
    if (nsec) additionals.push(nsec);
  }
  return { answers, additionals };
}
