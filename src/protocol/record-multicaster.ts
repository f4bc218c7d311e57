/**
 * The responder's unsolicited multicasts, each packed into as few packets as
 * fit the interface: probes (RFC 6762 §8.1), announcements (§8.3) and
 * goodbyes (§10.1: an announcement with TTL 0). Records go on the wire with
 * the cache-flush bit on unique records (§10.2).
 */
import { FLAG_AUTHORITATIVE, FLAG_RESPONSE } from '../constants.js';
import type { OwnedRecord } from '../records/service-records.js';
import { wireForm } from '../records/wire-forms.js';
import type { NetworkInterface } from '../transport/interfaces.js';
import type { Transport } from '../transport/transport.js';
import { ownerKey, recordKey } from '../wire/canonical.js';
import type { ResourceRecord } from '../wire/model.js';
import type { PacketGroup } from '../wire/split.js';
import { packGroups } from '../wire/split.js';
import type { AnnouncedStore } from './announced-store.js';
import type { MulticastLog } from './multicast-log.js';
import { linkKey } from './multicast-log.js';
import type { PacketSender } from './packet-sender.js';
import type { Registration } from './registration.js';

const RESPONSE = FLAG_RESPONSE | FLAG_AUTHORITATIVE;

/** A record as it goes on the wire: cache-flush on unique records, TTL `ttl` if given. */
export function forWire(owned: OwnedRecord, ttl?: number): ResourceRecord {
  return ttl === undefined ? wireForm(owned) : { ...wireForm(owned), ttl };
}

/** Sends probes, announcements and goodbyes. */
export class RecordMulticaster {
  constructor(
    private readonly transport: Transport,
    private readonly sender: PacketSender,
    private readonly multicasts: MulticastLog,
    /** What is announced now (a goodbye spares shared records still held). */
    private readonly store: AnnouncedStore,
  ) {}

  /**
   * RFC 6762 §8.1: one probe for these registrations together — QU questions
   * of type ANY, proposed records in the authority section without the
   * cache-flush bit — each name's question in the same packet as its records
   * (§8.2 compares them together).
   */
  async probe(members: readonly Registration[]): Promise<void> {
    for (const nic of this.transport.interfaces) {
      const groups = new Map<string, PacketGroup>();
      for (const member of members) {
        for (const owned of member.records(nic)) {
          if (!owned.unique) continue;
          const key = ownerKey(owned.record);
          let group = groups.get(key);
          if (!group) {
            group = { questions: [{ name: owned.record.name, type: 'ANY', unicastResponse: true }], authorities: [] };
            groups.set(key, group);
          }
          group.authorities?.push({ ...owned.record, cacheFlush: false });
        }
      }
      if (groups.size === 0) continue;
      await this.sender.sendPacked(nic, (budget) => packGroups(0, 0, [...groups.values()], { budget }));
    }
  }

  /** RFC 6762 §8.3: every record of these registrations on every interface, each distinct record once; resolves with the packets sent. */
  async announce(registrations: readonly Registration[]): Promise<number> {
    let sent = 0;
    for (const nic of this.transport.interfaces) {
      const owned = new Map<string, OwnedRecord>();
      for (const registration of registrations)
        for (const r of registration.records(nic)) owned.set(recordKey(r.record), r);
      if (owned.size === 0) continue;
      const records = [...owned.values()];
      const out = await this.sender.sendCounted(nic, { flags: RESPONSE, answers: records.map((r) => forWire(r)) });
      sent += out.sent;
      // RFC 6762 §6.2 counts what was multicast: an announcement that failed to send does not hold answers back.
      if (out.sent === 0) continue;
      for (const family of [4, 6] as const)
        if (nic.addresses.some((a) => a.family === family)) this.multicasts.note(linkKey(nic.name, family), records);
    }
    return sent;
  }

  /**
   * RFC 6762 §10.1: a goodbye is an announcement with TTL 0, and this is the
   * one path every withdrawal takes (stop, close, rename, a lost name, an
   * address gone). Shared records another announced registration still
   * holds (the enumeration PTR) stay. `flush: false` after losing a name: a
   * cache-flush goodbye would flush the winner's records of that name too.
   */
  async goodbye(nic: NetworkInterface, records: readonly OwnedRecord[], flush = true): Promise<void> {
    const gone = records.filter((r) => r.unique || !this.store.has(nic.name, r));
    if (gone.length === 0 || !this.transport.interfaces.some((n) => n.name === nic.name)) return;
    await this.sender.send(nic, {
      flags: RESPONSE,
      answers: gone.map((r) => ({ ...forWire(r, 0), cacheFlush: flush && r.unique })),
    });
  }
}
