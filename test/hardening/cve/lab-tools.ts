/**
 * What cve.lab.test.ts does in the lab besides the shared helpers: raw
 * datagrams with any source, port or UDP checksum (raw_frames.py, scapy at
 * layer 2), a capture of the link around one step (dumpcap, read back with
 * tshark), the datagrams a host sent in it, and the legacy control query
 * whose answer shows boaster still answers correctly.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SrvAnswer } from 'dns-packet';
import { PYTHON } from '../../lab/availability.js';
import { readUdpDatagrams, startCapture, type CapturedDatagram } from '../../lab/capture.js';
import type { Host } from '../../lab/host.js';
import type { Lab } from '../../lab/lab.js';
import { query, recordsOf, sameName, type PeerRun } from '../peer.js';

const RAW_FRAMES = fileURLToPath(new URL('./raw_frames.py', import.meta.url));

/** Why scapy cannot be used here, if it cannot. */
export function scapyMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import scapy.all'], { timeout: 20_000 });
  return r.status === 0 ? undefined : `scapy not importable by ${PYTHON} (apt-get install python3-scapy)`;
}

/** One hand-made datagram (see raw_frames.py). */
export interface RawDatagram {
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  readonly payload: Uint8Array;
  /** Needed for a unicast destination. */
  readonly dstMac?: string;
  /** 0 = none (RFC 768); any other value is written as given. */
  readonly udpChecksum?: number;
}

/** Send `datagrams` from `host`'s eth0, in order, 10 ms apart. */
export async function sendRaw(host: Host, datagrams: readonly RawDatagram[]): Promise<void> {
  const items = datagrams.map(({ payload, ...d }) => ({ ...d, hex: Buffer.from(payload).toString('hex') }));
  const r = await host.run(PYTHON, [RAW_FRAMES, 'eth0', JSON.stringify(items)], { timeoutMs: 30_000 });
  if (!r.stdout.includes(`sent ${datagrams.length}`))
    throw new Error(`raw_frames.py failed (${String(r.code)}): ${r.stderr}`);
}

/** The MAC address of `host`'s eth0 (for unicast frames to it). */
export async function macOf(host: Host): Promise<string> {
  const link = JSON.parse((await host.runChecked('ip', ['-j', 'link', 'show', 'eth0'])).stdout) as {
    address: string;
  }[];
  return link[0]?.address ?? '';
}

/** Run `step` while dumpcap records link 0; the datagrams seen from its start, with the step's result. */
export async function captured<T>(lab: Lab, step: () => Promise<T>): Promise<{ result: T; seen: CapturedDatagram[] }> {
  const capture = await startCapture(lab.link(0), { dir: lab.dir });
  try {
    const result = await step();
    // Let the last replies cross the bridge before dumpcap stops.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { result, seen: await readUdpDatagrams(await capture.stop()) };
  } finally {
    await capture.process.stop();
  }
}

/** Datagrams `host` sent (from any of its addresses), from epoch ms `from` to `to`. */
export function sentBy(seen: readonly CapturedDatagram[], host: Host, from = 0, to = Infinity): CapturedDatagram[] {
  const own = new Set(host.interfaces.flatMap((i) => i.addresses.map((a) => a.address)));
  return seen.filter((d) => own.has(d.src) && d.at >= from && d.at <= to);
}

/** A datagram as one line, for assertion messages. */
export function datagramLine(d: CapturedDatagram): string {
  return `${d.src}:${d.srcPort} → ${d.dst}:${d.dstPort} (${d.payload.length} bytes)`;
}

/** The legacy SRV query (RFC 6762 §6.7) every test ends with. */
export const controlQuery = (fqdn: string, id: number): Buffer => query([{ name: fqdn, type: 'SRV' }], { id });

/** The SRV of the reply to control query `id` the peer received, if any. */
export function controlSrv(run: PeerRun, fqdn: string, id: number): SrvAnswer | undefined {
  const reply = run.received.find((d) => d.msg?.type === 'response' && d.msg.id === id);
  return recordsOf(reply?.msg).find((r): r is SrvAnswer => r.type === 'SRV' && sameName(r.name, fqdn));
}
