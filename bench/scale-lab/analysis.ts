/**
 * Reads the capture of one responder run: what the responder (h0) sent,
 * classified by phase. The capture holds h0's datagrams from port 5353 to
 * port 5353 (multicast, QU replies) or to the legacy PTR querier's port;
 * times are epoch ms from dumpcap, on the same clock as Date.now().
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { CapturedDatagram } from '../../test/lab/capture.js';
import { PACKET_BUDGET, TYPE_FQDN } from './spec.mjs';

/** Packets closer than this belong to one round. */
const ROUND_GAP_MS = 100;

export interface Round {
  /** Start, ms after the time origin. */
  readonly atMs: number;
  readonly packets: number;
  readonly maxBytes: number;
  /** Time from the first to the last packet of the round (ms). */
  readonly spanMs: number;
}

export interface StartupFigures {
  readonly firstProbeMs: number | null;
  /** Time (after the origin) of the packet that completed the set of N SRVs with TTL > 0. */
  readonly allAnnouncedMs: number | null;
  readonly srvsSeen: number;
  readonly probeRounds: readonly Round[];
  readonly announceRounds: readonly Round[];
  readonly probePackets: number;
  readonly announcePackets: number;
  readonly otherPackets: number;
  readonly largestBytes: number;
}

export interface PtrFigures {
  readonly packets: number;
  readonly instances: number;
  readonly maxBytes: number;
  readonly overBudget: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  readonly unicast: number;
  readonly multicast: number;
  readonly truncated: boolean;
}

export interface GoodbyeFigures {
  readonly packets: number;
  /** Last goodbye packet, ms after SIGTERM. */
  readonly lastMs: number | null;
  readonly firstMs: number | null;
  /** SRVs of svc-<i> given TTL 0. */
  readonly srvGoodbyes: number;
  readonly maxBytes: number;
}

interface Decoded {
  readonly d: CapturedDatagram;
  readonly msg: DecodedPacket | undefined;
}

const instanceRe = new RegExp(`^svc-\\d+\\.${TYPE_FQDN.replace(/\./g, '\\.')}$`, 'i');

function decodeAll(datagrams: readonly CapturedDatagram[], from: string): Decoded[] {
  return datagrams
    .filter((d) => d.src === from)
    .map((d) => {
      try {
        return { d, msg: dnsPacket.decode(d.payload) };
      } catch {
        return { d, msg: undefined };
      }
    });
}

function records(msg: DecodedPacket | undefined): { type: string; name: string; ttl: number; data: unknown }[] {
  if (!msg) return [];
  return [...(msg.answers ?? []), ...(msg.authorities ?? []), ...(msg.additionals ?? [])]
    .filter((r) => r.type !== 'OPT')
    .map((r) => ({
      type: r.type,
      name: r.name,
      ttl: 'ttl' in r ? (r.ttl ?? 0) : 0,
      data: 'data' in r ? r.data : undefined,
    }));
}

function rounds(list: readonly Decoded[], origin: number): Round[] {
  const out: { start: number; end: number; packets: number; maxBytes: number }[] = [];
  for (const { d } of list) {
    const last = out[out.length - 1];
    if (last && d.at - last.end <= ROUND_GAP_MS) {
      last.end = d.at;
      last.packets += 1;
      last.maxBytes = Math.max(last.maxBytes, d.payload.length);
    } else {
      out.push({ start: d.at, end: d.at, packets: 1, maxBytes: d.payload.length });
    }
  }
  return out.map((r) => ({
    atMs: r.start - origin,
    packets: r.packets,
    maxBytes: r.maxBytes,
    spanMs: r.end - r.start,
  }));
}

/** Probes, announcements and the moment every SRV was out, in [origin, until]. */
export function startupFigures(
  datagrams: readonly CapturedDatagram[],
  from: string,
  n: number,
  origin: number,
  until: number,
): StartupFigures {
  const list = decodeAll(datagrams, from).filter((x) => x.d.at >= origin - 1000 && x.d.at <= until);
  const probes = list.filter((x) => x.msg?.type === 'query' && (x.msg.authorities?.length ?? 0) > 0);
  const announces = list.filter((x) => x.msg?.type === 'response');
  const seen = new Set<string>();
  let allAt: number | null = null;
  for (const x of announces) {
    for (const r of records(x.msg))
      if (r.type === 'SRV' && r.ttl > 0 && instanceRe.test(r.name)) seen.add(r.name.toLowerCase());
    if (allAt === null && seen.size >= n) allAt = x.d.at;
  }
  const first = probes[0];
  return {
    firstProbeMs: first ? first.d.at - origin : null,
    allAnnouncedMs: allAt === null ? null : allAt - origin,
    srvsSeen: seen.size,
    probeRounds: rounds(probes, origin),
    announceRounds: rounds(announces, origin),
    probePackets: probes.length,
    announcePackets: announces.length,
    otherPackets: list.length - probes.length - announces.length,
    largestBytes: Math.max(0, ...list.map((x) => x.d.payload.length)),
  };
}

/** Every datagram h0 sent in [from, to] (epoch ms). */
export function packetsBetween(
  datagrams: readonly CapturedDatagram[],
  src: string,
  from: number,
  to: number,
): { packets: number; bytes: number } {
  const list = datagrams.filter((d) => d.src === src && d.at >= from && d.at <= to);
  return { packets: list.length, bytes: list.reduce((s, d) => s + d.payload.length, 0) };
}

/** Responses carrying PTRs of the type in [sentAt, sentAt + windowMs]; `toPort` picks legacy replies. */
export function ptrFigures(
  datagrams: readonly CapturedDatagram[],
  from: string,
  sentAt: number,
  windowMs: number,
  toPort: number,
): PtrFigures {
  const list = decodeAll(datagrams, from).filter(
    (x) => x.d.at >= sentAt && x.d.at <= sentAt + windowMs && x.d.dstPort === toPort,
  );
  const names = new Set<string>();
  const hits = list.filter((x) => {
    const ptrs = records(x.msg).filter((r) => r.type === 'PTR' && r.name.toLowerCase() === TYPE_FQDN);
    for (const r of ptrs) names.add(String(r.data).toLowerCase());
    return x.msg?.type === 'response' && ptrs.length > 0;
  });
  return {
    packets: hits.length,
    instances: names.size,
    maxBytes: Math.max(0, ...hits.map((x) => x.d.payload.length)),
    overBudget: hits.filter((x) => x.d.payload.length > PACKET_BUDGET).length,
    firstMs: hits[0] ? hits[0].d.at - sentAt : null,
    lastMs: hits.length ? (hits[hits.length - 1]?.d.at ?? sentAt) - sentAt : null,
    unicast: hits.filter((x) => !x.d.dst.startsWith('224.')).length,
    multicast: hits.filter((x) => x.d.dst.startsWith('224.')).length,
    truncated: hits.some((x) => ((x.msg?.flags ?? 0) & 0x200) !== 0),
  };
}

/** Responses after SIGTERM (epoch ms): the goodbyes. */
export function goodbyeFigures(
  datagrams: readonly CapturedDatagram[],
  from: string,
  sigtermAt: number,
): GoodbyeFigures {
  const list = decodeAll(datagrams, from).filter((x) => x.d.at >= sigtermAt && x.msg?.type === 'response');
  const byes = list.filter((x) => records(x.msg).some((r) => r.ttl === 0));
  const srvs = new Set<string>();
  for (const x of byes)
    for (const r of records(x.msg))
      if (r.type === 'SRV' && r.ttl === 0 && instanceRe.test(r.name)) srvs.add(r.name.toLowerCase());
  const last = byes[byes.length - 1];
  const first = byes[0];
  return {
    packets: byes.length,
    lastMs: last ? last.d.at - sigtermAt : null,
    firstMs: first ? first.d.at - sigtermAt : null,
    srvGoodbyes: srvs.size,
    maxBytes: Math.max(0, ...byes.map((x) => x.d.payload.length)),
  };
}
