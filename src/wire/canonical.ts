/**
 * Canonical record ordering (RFC 6762 §8.2) and record identity, used by the
 * probe tiebreak and by conflict detection.
 */
import { CLASS_IN } from '../constants.js';
import type { ResourceRecord } from './model.js';
import { typeCodeOf } from './model.js';
import { nameKey, namesEqual } from './name.js';
import { writeRdata } from './rdata.js';
import { WireWriter } from './writer.js';

/** RDATA as raw uncompressed bytes (RFC 6762 §8.2), names in their original case. */
export function canonicalRdata(record: ResourceRecord): Uint8Array {
  const writer = new WireWriter();
  writeRdata(writer, record, 'none');
  return writer.toBuffer();
}

/** Byte-wise unsigned comparison; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * RFC 6762 §8.2 order: class (cache-flush bit excluded), then type, then the
 * raw uncompressed RDATA compared byte by byte as unsigned values.
 */
export function compareRecordsCanonical(a: ResourceRecord, b: ResourceRecord): number {
  const byClass = (a.class ?? CLASS_IN) - (b.class ?? CLASS_IN);
  if (byClass !== 0) return byClass < 0 ? -1 : 1;
  const byType = typeCodeOf(a) - typeCodeOf(b);
  if (byType !== 0) return byType < 0 ? -1 : 1;
  return compareBytes(canonicalRdata(a), canonicalRdata(b));
}

/**
 * Simultaneous probe tiebreak (RFC 6762 §8.2): sort both sets canonically and
 * compare them pairwise; the first difference decides, and a set that still
 * has records when the other runs out wins.
 *
 * @returns 1 when `ours` wins (is lexicographically later), -1 when it
 *   loses, 0 when the sets are identical (not a conflict).
 */
export function compareProbeSets(ours: readonly ResourceRecord[], theirs: readonly ResourceRecord[]): -1 | 0 | 1 {
  const a = [...ours].sort(compareRecordsCanonical);
  const b = [...theirs].sort(compareRecordsCanonical);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = compareRecordsCanonical(a[i] as ResourceRecord, b[i] as ResourceRecord);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length > b.length ? 1 : -1;
}

/**
 * The identity of a record as one string: owner name (case-folded, RFC 6762
 * §16), type, class and RDATA, where names inside the RDATA of PTR, CNAME,
 * SRV and NSEC are case-folded too (RFC 4343: `Host.local` and `host.local`
 * are one name, so a PTR to either is not a conflict). TTL and cache-flush
 * bit are not part of it. Equal keys mean {@link sameRecord}; use it for
 * maps and sets of records.
 */
export function recordKey(record: ResourceRecord): string {
  const cached = keys.get(record);
  if (cached !== undefined) return cached;
  const key = computeRecordKey(record);
  keys.set(record, key);
  return key;
}

/** {@link nameKey} of a record's owner name, computed once per record object. */
export function ownerKey(record: ResourceRecord): string {
  const cached = owners.get(record);
  if (cached !== undefined) return cached;
  const key = nameKey(record.name);
  owners.set(record, key);
  return key;
}

const owners = new WeakMap<ResourceRecord, string>();

/** {@link nameKey} of the name a PTR or CNAME points to, or an SRV's target; computed once per record object. */
export function targetKey(record: ResourceRecord & { type: 'PTR' | 'CNAME' | 'SRV' }): string {
  const cached = targets.get(record);
  if (cached !== undefined) return cached;
  const key = nameKey(record.type === 'SRV' ? record.data.target : record.data);
  targets.set(record, key);
  return key;
}

const targets = new WeakMap<ResourceRecord, string>();

/**
 * Keys of record objects already seen. Records are treated as immutable
 * values throughout boaster (a changed record is a new object), so a key
 * computed once stays true for the object's life.
 */
const keys = new WeakMap<ResourceRecord, string>();

/** Bytes per String.fromCharCode call (well under any engine's argument limit). */
const KEY_CHUNK = 8_192;

function computeRecordKey(record: ResourceRecord): string {
  const rdata = canonicalRdata(foldRdataNames(record));
  // One call per chunk, not one concatenation per byte: a key built byte by byte is a rope of one
  // 32-byte node per byte, and a Map keeps the rope (about 3 KB for a 140-byte TXT key instead of 200 B).
  const parts = [`${nameKey(record.name)}|${typeCodeOf(record)}|${record.class ?? CLASS_IN}|`];
  for (let i = 0; i < rdata.length; i += KEY_CHUNK)
    parts.push(String.fromCharCode(...rdata.subarray(i, i + KEY_CHUNK)));
  return parts.join('');
}

/** Same record: equal {@link recordKey}s (TTL and cache-flush bit aside). */
export function sameRecord(a: ResourceRecord, b: ResourceRecord): boolean {
  return (
    typeCodeOf(a) === typeCodeOf(b) &&
    (a.class ?? CLASS_IN) === (b.class ?? CLASS_IN) &&
    namesEqual(a.name, b.name) &&
    compareBytes(canonicalRdata(foldRdataNames(a)), canonicalRdata(foldRdataNames(b))) === 0
  );
}

function foldRdataNames(record: ResourceRecord): ResourceRecord {
  switch (record.type) {
    case 'PTR':
    case 'CNAME':
      return { ...record, data: nameKey(record.data) };
    case 'SRV':
      return { ...record, data: { ...record.data, target: nameKey(record.data.target) } };
    case 'NSEC':
      return { ...record, data: { ...record.data, nextDomain: nameKey(record.data.nextDomain) } };
    default:
      return record;
  }
}
