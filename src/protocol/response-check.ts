/**
 * What another host's response means for one of our registrations: a pure
 * classification, so the engine only acts on the verdict.
 *
 * - RFC 6762 §8.1, §9: a record by one of our unique names that is not ours
 *   is a conflict — any type while we probe; once announced, a record of a
 *   type we hold there with other data.
 * - RFC 6762 §10.1: a record with TTL 0 is a goodbye; it asserts nothing and
 *   is never a conflict.
 * - A peer's NSEC only lists what it has; it claims no data of ours.
 * - RFC 6762 §6.6: our own record sent by someone else with under half our
 *   TTL (a goodbye included) is stale in caches: we multicast it again.
 */
import type { OwnedRecord } from '../records/service-records.js';
import type { ResourceRecord } from '../wire/model.js';

/** One record of the response, with its keys computed once by the caller. */
export interface SeenRecord {
  record: ResourceRecord;
  /** {@link nameKey} of its owner name. */
  nameKey: string;
  /** {@link recordKey} of the record. */
  key: string;
}

/** What the classifier needs of a registration, prepared once per change. */
export interface RegistrationView {
  /** Still probing (§8.1) rather than past it. */
  probing: boolean;
  /** Announced, so a stale copy of its records deserves a refresh (§6.6). */
  announced: boolean;
  /** Its records by {@link recordKey}. */
  byKey: ReadonlyMap<string, OwnedRecord>;
  /** Name keys of its unique records, with the types it holds at each. */
  uniqueTypes: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The verdict for one registration. */
export interface ResponseVerdict {
  conflict: boolean;
  /** Our records others hold with under half our TTL (each once). */
  stale: OwnedRecord[];
}

/** Classify `seen` (answers and additionals of one response) for `view`. */
export function classifyResponse(seen: readonly SeenRecord[], view: RegistrationView): ResponseVerdict {
  let conflict = false;
  const stale: OwnedRecord[] = [];
  for (const { record, nameKey, key } of seen) {
    const mine = view.byKey.get(key);
    if (mine) {
      if (view.announced && record.ttl < mine.record.ttl / 2 && !stale.includes(mine)) stale.push(mine);
      continue;
    }
    if (record.ttl === 0) continue;
    const types = view.uniqueTypes.get(nameKey);
    if (!types || record.type === 'NSEC') continue;
    if (view.probing || types.has(record.type)) conflict = true;
  }
  return { conflict, stale };
}
