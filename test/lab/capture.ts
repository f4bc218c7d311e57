/**
 * Packet capture on a lab link (for wire fixtures and debugging).
 *
 * `dumpcap` runs inside the link's namespace on `br0`. libpcap puts the
 * bridge in promiscuous mode, so every frame crossing the link is seen, not
 * only frames addressed to the bridge itself. Files are written as pcap
 * (`-P`) into the lab temp dir unless another path is given (copy them out
 * before `lab.destroy()` if you want to keep them).
 */
import { join } from 'node:path';
import { runChecked } from './exec.js';
import type { Link } from './link.js';
import type { LabProcess } from './process.js';

/** Options for {@link startCapture}. */
export interface CaptureOptions {
  /** Output file; default `<dir>/link<k>-<n>.pcap`. */
  readonly file?: string;
  /** Directory for the default file name (normally `lab.dir`). */
  readonly dir: string;
  /** BPF filter; default `udp port 5353`. */
  readonly filter?: string;
  /** Wait for dumpcap to start; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** A running capture. */
export interface Capture {
  readonly file: string;
  readonly process: LabProcess;
  /** Stop dumpcap (SIGTERM flushes the file) and return the file path. */
  stop(): Promise<string>;
}

let captureCounter = 0;

/** Start capturing on `link`; resolves once dumpcap reports it is capturing. */
export async function startCapture(link: Link, opts: CaptureOptions): Promise<Capture> {
  captureCounter += 1;
  const file = opts.file ?? join(opts.dir, `link${link.index}-${captureCounter}.pcap`);
  const proc = link.ns.spawn(
    'dumpcap',
    ['-q', '-P', '-i', link.bridge, '-f', opts.filter ?? 'udp port 5353', '-w', file],
    {
      label: `dumpcap@link${link.index}`,
    },
  );
  try {
    await proc.waitForOutput(/Capturing on/, opts.timeoutMs ?? 10_000);
  } catch (e) {
    await proc.stop().catch(() => undefined);
    throw e;
  }
  return {
    file,
    process: proc,
    stop: async () => {
      await proc.stop();
      return file;
    },
  };
}

/** One UDP datagram read back from a capture. */
export interface CapturedDatagram {
  /** Seconds since the first packet. */
  readonly time: number;
  /** Capture time, epoch ms (comparable with `Date.now()`). */
  readonly at: number;
  readonly family: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** UDP payload (for mDNS: the DNS message). */
  readonly payload: Buffer;
}

/** Read the UDP datagrams of a pcap file with tshark (`-Y udp`), in capture order. */
export async function readUdpDatagrams(file: string, displayFilter = 'udp'): Promise<CapturedDatagram[]> {
  const r = await runChecked(
    'tshark',
    [
      '-r',
      file,
      '-Y',
      displayFilter,
      '-T',
      'fields',
      '-E',
      'separator=;',
      '-e',
      'frame.time_relative',
      '-e',
      'frame.time_epoch',
      '-e',
      'ip.src',
      '-e',
      'ipv6.src',
      '-e',
      'ip.dst',
      '-e',
      'ipv6.dst',
      '-e',
      'ip.ttl',
      '-e',
      'ipv6.hlim',
      '-e',
      'udp.srcport',
      '-e',
      'udp.dstport',
      '-e',
      'udp.payload',
    ],
    { timeoutMs: 30_000 },
  );
  const out: CapturedDatagram[] = [];
  for (const line of r.stdout.split('\n')) {
    const f = line.split(';');
    if (f.length < 11) continue;
    const [time, epoch, src4, src6, dst4, dst6, ttl4, hlim6, sport, dport, hex] = f;
    const v4 = Boolean(src4);
    out.push({
      time: Number(time),
      at: Number(epoch) * 1000,
      family: v4 ? 4 : 6,
      src: (v4 ? src4 : src6) ?? '',
      dst: (v4 ? dst4 : dst6) ?? '',
      srcPort: Number(sport),
      dstPort: Number(dport),
      // Tunnelled/encapsulated packets can list several values; take the first.
      ttl: Number(((v4 ? ttl4 : hlim6) ?? '').split(',')[0]),
      payload: Buffer.from((hex ?? '').replace(/:/g, ''), 'hex'),
    });
  }
  return out;
}
