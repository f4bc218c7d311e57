/**
 * Captured mDNS packets for the conformance suite, read with tshark and
 * decoded with `dns-packet` — deliberately not with boaster's own wire code,
 * so a bug shared by boaster's encoder and decoder cannot hide itself.
 *
 * The datagrams (times, addresses, IP TTL / hop limit) come from the lab's
 * `readUdpDatagrams`.
 */
import dnsPacket, { type DecodedPacket, type Question } from 'dns-packet';
import { readUdpDatagrams, type CapturedDatagram } from '../lab/capture.js';

/** One captured mDNS datagram, decoded. */
export interface MdnsPacket extends CapturedDatagram {
  /** Decoded message, or undefined when dns-packet could not decode it. */
  readonly msg: DecodedPacket | undefined;
  /** Decoder error message when `msg` is undefined. */
  readonly decodeError: string | undefined;
}

/** Read every UDP datagram of a pcap (with its IP TTL / hop limit) and decode it with dns-packet. */
export async function readMdnsPackets(file: string, displayFilter = 'udp'): Promise<MdnsPacket[]> {
  return (await readUdpDatagrams(file, displayFilter)).map((d) => {
    try {
      return { ...d, msg: dnsPacket.decode(d.payload), decodeError: undefined };
    } catch (e) {
      return { ...d, msg: undefined, decodeError: e instanceof Error ? e.message : String(e) };
    }
  });
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
