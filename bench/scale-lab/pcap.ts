/**
 * A small pcap reader for the benchmark's captures (dumpcap -P on a lab
 * bridge: Ethernet frames, IPv4 or IPv6, UDP). tshark's field output would
 * do, but at N = 10,000 it runs past the 4 MiB the lab keeps of a command's
 * output; reading the file here has no such limit and is fast.
 */
import { readFileSync } from 'node:fs';
import type { CapturedDatagram } from '../../test/lab/capture.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const UDP = 17;

function ipv6Text(b: Buffer, off: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(off + i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** UDP datagrams of a pcap file (microsecond or nanosecond timestamps, either byte order), in file order. */
export function readPcapUdp(file: string): CapturedDatagram[] {
  const buf = readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const big = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!little && !big) throw new Error(`${file} is not a pcap file (magic ${magic.toString(16)})`);
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (off: number): number => (little ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const linkType = u32(20);
  if (linkType !== 1) throw new Error(`${file}: link type ${linkType}, expected Ethernet (1)`);
  const out: CapturedDatagram[] = [];
  let first: number | undefined;
  for (let off = 24; off + 16 <= buf.length;) {
    const at = u32(off) * 1000 + u32(off + 4) / (nano ? 1e6 : 1e3);
    const caplen = u32(off + 8);
    const frame = buf.subarray(off + 16, Math.min(buf.length, off + 16 + caplen));
    off += 16 + caplen;
    let p = 12;
    let ethertype = frame.length >= 14 ? frame.readUInt16BE(p) : 0;
    if (ethertype === ETHERTYPE_VLAN && frame.length >= 18) {
      p += 4;
      ethertype = frame.readUInt16BE(p);
    }
    p += 2;
    let family: 4 | 6;
    let src: string;
    let dst: string;
    let ttl: number;
    let udp: number;
    if (ethertype === ETHERTYPE_IPV4 && frame.length >= p + 20) {
      const ihl = (frame[p] ?? 0x45) & 0x0f;
      if (frame[p + 9] !== UDP) continue;
      family = 4;
      ttl = frame[p + 8] ?? 0;
      src = [...frame.subarray(p + 12, p + 16)].join('.');
      dst = [...frame.subarray(p + 16, p + 20)].join('.');
      udp = p + ihl * 4;
    } else if (ethertype === ETHERTYPE_IPV6 && frame.length >= p + 40) {
      if (frame[p + 6] !== UDP) continue; // no extension headers on mDNS
      family = 6;
      ttl = frame[p + 7] ?? 0;
      src = ipv6Text(frame, p + 8);
      dst = ipv6Text(frame, p + 24);
      udp = p + 40;
    } else {
      continue;
    }
    if (frame.length < udp + 8) continue;
    const length = frame.readUInt16BE(udp + 4);
    first ??= at;
    out.push({
      time: (at - first) / 1000,
      at,
      family,
      src,
      dst,
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      ttl,
      payload: frame.subarray(udp + 8, Math.min(frame.length, udp + length)),
    });
  }
  return out;
}
