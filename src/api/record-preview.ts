/**
 * What a {@link Responder} would announce, without one: the records of a
 * host and its services on one interface, as the announcement carries them
 * (RFC 6762 §8.3: the host's addresses and reverse mappings, each service's
 * PTRs, SRV and TXT; the cache-flush bit on unique records), built by the
 * same code the responder runs. Pure: it opens no socket and sends nothing,
 * so a `--dry-run` can print it. Bad input is refused as `publish()` would.
 */
import { checkHostLabel, checkTtl, type ServiceSpec } from '../records/service-records.js';
import { HostRegistration, ServiceRegistration } from '../protocol/registration.js';
import { forWire } from '../protocol/record-multicaster.js';
import { isLinkLocal, type InterfaceAddress, type NetworkInterface } from '../transport/interfaces.js';
import { recordKey } from '../wire/canonical.js';
import type { ResourceRecord } from '../wire/model.js';

/** The host a preview is for. */
export interface PreviewHost {
  /** Host label (a trailing `.local` understood), as `hostName` of a Responder. */
  hostName: string;
  /** The addresses of the interface announced on. */
  addresses: readonly Pick<InterfaceAddress, 'address' | 'family'>[];
  /** As the Responder's `hostTtl`; default 120 s. */
  hostTtl?: number;
  /** The interface's name (for IPv6 link-local scope); default `eth0`. */
  interfaceName?: string;
}

/**
 * The records announced for `services` on `host`: the host's first, then
 * each service's, every distinct record once (as one announcement packs them).
 */
export function previewRecords(host: PreviewHost, services: readonly ServiceSpec[]): ResourceRecord[] {
  const label = checkHostLabel(host.hostName);
  const hostRegistration = new HostRegistration(
    label,
    'local',
    host.hostTtl === undefined ? undefined : checkTtl(host.hostTtl, 'hostTtl'),
  );
  const nic: NetworkInterface = {
    name: host.interfaceName ?? 'eth0',
    mtu: 1500,
    loopback: false,
    up: true,
    multicast: true,
    pointToPoint: false,
    addresses: host.addresses.map((a) => ({
      family: a.family,
      address: a.address,
      prefixLength: a.family === 4 ? 32 : 128,
      linkLocal: isLinkLocal(a.address, a.family),
    })),
  };
  const seen = new Set<string>();
  const out: ResourceRecord[] = [];
  for (const registration of [
    hostRegistration,
    ...services.map((spec) => new ServiceRegistration(spec, hostRegistration)),
  ]) {
    for (const owned of registration.records(nic)) {
      const record = forWire(owned);
      const key = recordKey(record);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(record);
    }
  }
  return out;
}
