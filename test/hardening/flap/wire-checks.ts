/**
 * The wire side of the flap scenario: what boaster sent in each step's
 * window, read back from the link capture (tshark) and decoded with
 * dns-packet (independent of boaster's own decoder):
 *
 * - RFC 6762 §8.1: after the link comes back (or an address is added) it
 *   probes again: a query from it whose authority section proposes each
 *   service's SRV.
 * - RFC 6762 §8.3: it announces again, after those probes: a response with
 *   each service's SRV (TTL > 0) and the host's A record holding the current
 *   address (TTL > 0).
 * - RFC 6762 §10.1: after an address change, a goodbye: the host's A record
 *   with the old address and TTL 0; and no A record for the old address with
 *   a TTL above 0 after that goodbye.
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { CapturedDatagram } from '../../lab/capture.js';
import { recordsOf, sameName } from '../peer.js';

/** A step's window and what should have been sent in it. */
export interface WireExpectation {
  /** Epoch ms from which boaster's answers count (link up, or the address change). */
  readonly from: number;
  /** Epoch ms the window ends (the next step's start). */
  readonly to: number;
  /** The host's IPv4 address from `from` on. */
  readonly address: string;
  /** The address it had before, for an address change. */
  readonly oldAddress?: string;
}

/** What was seen on the wire in one window. */
export interface WireResult {
  /** Services probed again (§8.1). */
  readonly probed: readonly string[];
  /** Services announced again with an SRV of TTL > 0 (§8.3). */
  readonly announced: readonly string[];
  /** An A record of the host with the current address and TTL > 0. */
  readonly addressAnnounced: boolean;
  /** For an address change: an A record for the old address with TTL 0 (§10.1); else null. */
  readonly goodbye: boolean | null;
  /** A records for the old address with TTL > 0 sent after its goodbye (must be 0). */
  readonly staleAfterGoodbye: number;
  /** Packets from the host in the window. */
  readonly packets: number;
}

/** A decoded packet from the host. */
export interface HostPacket {
  readonly at: number;
  readonly msg: DecodedPacket;
}

/** The mDNS packets `sources` sent (port 5353), decoded, in capture order. */
export function packetsFrom(datagrams: readonly CapturedDatagram[], sources: ReadonlySet<string>): HostPacket[] {
  const out: HostPacket[] = [];
  for (const d of datagrams) {
    if (d.srcPort !== 5353 || !sources.has(d.src.split('%')[0] ?? '')) continue;
    try {
      out.push({ at: d.at, msg: dnsPacket.decode(d.payload) });
    } catch {
      // Not a DNS message: boaster never sends one; counted in the window, checked as nothing.
      out.push({ at: d.at, msg: dnsPacket.decode(dnsPacket.encode({ type: 'query', questions: [] })) });
    }
  }
  return out;
}

/** Check one window against what the host should have sent (host: `name.local`, services: full SRV names). */
export function checkWindow(
  packets: readonly HostPacket[],
  hostName: string,
  services: readonly string[],
  expect: WireExpectation,
): WireResult {
  const inWindow = packets.filter((p) => p.at >= expect.from && p.at < expect.to);
  const probed = new Set<string>();
  const announced = new Set<string>();
  let addressAnnounced = false;
  let goodbyeAt: number | undefined;
  let staleAfterGoodbye = 0;
  for (const { at, msg } of inWindow) {
    const isResponse = msg.type === 'response';
    if (!isResponse) {
      for (const r of msg.authorities ?? []) {
        if (r.type !== 'SRV') continue;
        const svc = services.find((s) => sameName(s, r.name));
        if (svc) probed.add(svc);
      }
      continue;
    }
    // Announcements count once this step's probing began: an earlier step's repeats may still be in the window.
    const afterProbe = probed.size > 0;
    for (const r of recordsOf(msg)) {
      const ttl = r.ttl ?? 0;
      if (r.type === 'SRV' && ttl > 0 && afterProbe) {
        const svc = services.find((s) => sameName(s, r.name));
        if (svc) announced.add(svc);
      }
      if (r.type !== 'A' || !sameName(r.name, hostName)) continue;
      if (r.data === expect.address && ttl > 0 && afterProbe) addressAnnounced = true;
      if (expect.oldAddress === undefined || r.data !== expect.oldAddress) continue;
      if (ttl === 0) goodbyeAt ??= at;
      else if (goodbyeAt !== undefined) staleAfterGoodbye++;
    }
  }
  return {
    probed: [...probed],
    announced: [...announced],
    addressAnnounced,
    goodbye: expect.oldAddress === undefined ? null : goodbyeAt !== undefined,
    staleAfterGoodbye,
    packets: inWindow.length,
  };
}
