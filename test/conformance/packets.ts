/**
 * Captured mDNS packets for the conformance suite, read with tshark and
 * decoded with `dns-packet` — deliberately not with boaster's own wire code,
 * so a bug shared by boaster's encoder and decoder cannot hide itself.
 *
 * Modelled on `readUdpDatagrams` in test/lab/capture.ts, plus the IP TTL /
 * IPv6 hop limit of every packet.
 */
import dnsPacket, { type DecodedPacket, type Question } from 'dns-packet';
import { runChecked } from '../lab/exec.js';

/** One captured mDNS datagram. */
export interface MdnsPacket {
  /** Capture time, epoch ms (comparable with `Date.now()` of the runner and the tester). */
  readonly at: number;
  readonly family: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  readonly payload: Buffer;
  /** Decoded message, or undefined when dns-packet could not decode it. */
  readonly msg: DecodedPacket | undefined;
  /** Decoder error message when `msg` is undefined. */
  readonly decodeError: string | undefined;
}

/** Read every UDP datagram of a pcap with its IP TTL / hop limit. */
export async function readMdnsPackets(file: string, displayFilter = 'udp'): Promise<MdnsPacket[]> {
  const r = await runChecked(
    'tshark',
    ['-r', file, '-Y', displayFilter, '-T', 'fields', '-E', 'separator=;', '-e', 'frame.time_epoch',
      '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'ip.ttl', '-e', 'ipv6.hlim',
      '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.payload'],
    { timeoutMs: 30_000 },
  );
  const out: MdnsPacket[] = [];
  for (const line of r.stdout.split('\n')) {
    const f = line.split(';');
    if (f.length < 10) continue;
    const [time, src4, src6, dst4, dst6, ttl4, hlim6, sport, dport, hex] = f;
    const payload = Buffer.from((hex ?? '').replace(/:/g, ''), 'hex');
    let msg: DecodedPacket | undefined;
    let decodeError: string | undefined;
    try {
      msg = dnsPacket.decode(payload);
    } catch (e) {
      decodeError = e instanceof Error ? e.message : String(e);
    }
    const v4 = Boolean(src4);
    out.push({
      at: Number(time) * 1000,
      family: v4 ? 4 : 6,
      src: (v4 ? src4 : src6) ?? '',
      dst: (v4 ? dst4 : dst6) ?? '',
      srcPort: Number(sport),
      dstPort: Number(dport),
      // Tunnelled/encapsulated packets can list several values; take the first.
      ttl: Number(((v4 ? ttl4 : hlim6) ?? '').split(',')[0]),
      payload,
      msg,
      decodeError,
    });
  }
  return out;
}

/** Whether a decoded question has the QU (unicast-response) bit: dns-packet leaves it in the class as `UNKNOWN_<n>`. */
export function isQU(q: Question): boolean {
  const cls = String(q.class ?? '');
  const m = /^UNKNOWN_(\d+)$/.exec(cls);
  return m !== null && (Number(m[1]) & 0x8000) !== 0;
}

/** Lower-case, with a trailing dot removed, for name comparison (RFC 6762 §16: case-insensitive). */
export function normName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}
