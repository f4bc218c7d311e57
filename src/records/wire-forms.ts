/**
 * The forms an owned record takes on the wire, made once per record: an
 * owned record is never changed in place (a change makes a new one), so
 * every packet that carries it reuses the same object, and with it the
 * names and RDATA the encoder prepared for that object.
 */
import { LEGACY_UNICAST_MAX_TTL } from '../constants.js';
import type { ResourceRecord } from '../wire/model.js';
import type { OwnedRecord } from './service-records.js';

const multicastForms = new WeakMap<OwnedRecord, ResourceRecord>();
const legacyForms = new WeakMap<OwnedRecord, ResourceRecord>();

/** A record as multicast answers and announcements carry it: cache-flush on unique records (RFC 6762 §10.2). */
export function wireForm(owned: OwnedRecord): ResourceRecord {
  let form = multicastForms.get(owned);
  if (!form) {
    form = { ...owned.record, cacheFlush: owned.unique };
    multicastForms.set(owned, form);
  }
  return form;
}

/** A record as a legacy querier gets it: TTL at most 10 s, no cache-flush bit (RFC 6762 §6.7). */
export function legacyForm(owned: OwnedRecord): ResourceRecord {
  let form = legacyForms.get(owned);
  if (!form) {
    form = { ...owned.record, cacheFlush: false, ttl: Math.min(owned.record.ttl, LEGACY_UNICAST_MAX_TTL) };
    legacyForms.set(owned, form);
  }
  return form;
}
