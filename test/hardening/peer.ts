/**
 * Runs the scripted mDNS peer (peer.cjs: plain dgram + dns-packet,
 * independent of boaster) in a lab host and decodes what it received; and
 * the packet builders the hardening tests share (dns-packet encodes, the QU
 * bit is set in the encoded bytes since dns-packet cannot express it).
 */
import { fileURLToPath } from 'node:url';
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type Question } from 'dns-packet';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';
import { sleep } from '../lab/wait.js';

const PEER_SCRIPT = fileURLToPath(new URL('./peer.cjs', import.meta.url));

/** One socket of the peer (see peer.cjs). */
export interface PeerSocket {
  readonly id: string;
  readonly family: 4 | 6;
  /** Own address (IPv6 link-local without `%scope`); ignored for `group`. */
  readonly address: string;
  /** 0 = ephemeral. */
  readonly port: number;
  /** Bound to the group address and joined to it. */
  readonly group?: boolean;
}

/** A packet sent `at` ms after the peer is ready. */
export interface PeerStep {
  readonly at: number;
  readonly label: string;
  readonly socket: string;
  /** Unicast destination (IPv6 link-local with `%ifname`); default the group. */
  readonly to?: string;
  readonly port?: number;
  readonly packet: Buffer;
}

/** Answer probes for `name` with `packet` (multicast from `socket`). */
export interface PeerDefence {
  readonly label: string;
  readonly name: string;
  readonly socket: string;
  readonly packet: Buffer;
  readonly max?: number;
}

export interface PeerPlan {
  readonly durationMs: number;
  readonly ifname?: string;
  readonly sockets: readonly PeerSocket[];
  readonly steps?: readonly PeerStep[];
  readonly defend?: readonly PeerDefence[];
}

/** A datagram the peer received. */
export interface PeerDatagram {
  readonly sock: string;
  /** Epoch ms. */
  readonly at: number;
  readonly from: string;
  readonly port: number;
  readonly msg: DecodedPacket | undefined;
}

export interface PeerRun {
  readonly start: number;
  readonly ports: Readonly<Record<string, number>>;
  readonly sent: readonly { label: string; at: number }[];
  readonly received: readonly PeerDatagram[];
  readonly reacts: readonly { label: string; at: number }[];
  readonly errors: readonly string[];
}

interface Line {
  kind: string;
  label?: string;
  sock?: string;
  t?: number;
  epochMs?: number;
  ports?: Record<string, number>;
  from?: string;
  port?: number;
  hex?: string;
  error?: string;
}

function decode(hex: string): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
}

/** Start the peer in `host` (tracked: killed on lab destroy). */
export function startPeer(host: Host, plan: PeerPlan): { process: LabProcess; done: Promise<PeerRun> } {
  const cfg = {
    durationMs: plan.durationMs,
    ifname: plan.ifname ?? host.ifname,
    sockets: plan.sockets,
    steps: (plan.steps ?? []).map((s) => ({ ...s, packet: undefined, hex: s.packet.toString('hex') })),
    defend: (plan.defend ?? []).map((d) => ({ ...d, packet: undefined, hex: d.packet.toString('hex') })),
  };
  const proc = host.spawn(process.execPath, [PEER_SCRIPT, JSON.stringify(cfg)], { label: `peer@${host.name}` });
  const done = (async (): Promise<PeerRun> => {
    const exited = await Promise.race([proc.exited, sleep(plan.durationMs + 10_000).then(() => undefined)]);
    if (exited === undefined) await proc.stop();
    return parse(proc);
  })();
  return { process: proc, done };
}

/** Run the peer to its end. */
export function runPeer(host: Host, plan: PeerPlan): Promise<PeerRun> {
  return startPeer(host, plan).done;
}

function parse(proc: LabProcess): PeerRun {
  const lines = proc.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const ready = lines.find((l) => l.kind === 'ready');
  const start = ready?.epochMs ?? 0;
  const run = {
    start,
    ports: ready?.ports ?? {},
    sent: [] as { label: string; at: number }[],
    received: [] as PeerDatagram[],
    reacts: [] as { label: string; at: number }[],
    errors: [] as string[],
  };
  for (const l of lines) {
    const at = start + (l.t ?? 0);
    if (l.kind === 'sent') run.sent.push({ label: l.label ?? '', at });
    else if (l.kind === 'recv' && l.hex !== undefined)
      run.received.push({ sock: l.sock ?? '', at, from: l.from ?? '', port: l.port ?? 0, msg: decode(l.hex) });
    else if (l.kind === 'react') run.reacts.push({ label: l.label ?? '', at });
    else if (l.kind === 'error') run.errors.push(`${l.label ?? l.sock ?? ''}: ${l.error ?? ''}`);
  }
  const status = proc.exitStatus;
  if (status && status.code !== 0)
    run.errors.push(`peer exit ${String(status.code)} ${String(status.signal)}: ${proc.stderr.trim().slice(0, 300)}`);
  return run;
}

/** Standard sockets of a peer on `host`: group + own address:5353 + ephemeral, per family. */
export function standardSockets(host: Host, families: readonly (4 | 6)[] = [4]): PeerSocket[] {
  return families.flatMap((f) => {
    const address = f === 4 ? host.ipv4 : host.ipv6;
    return [
      { id: `group${f}`, family: f, address, port: 5353, group: true },
      { id: `mdns${f}`, family: f, address, port: 5353 },
      { id: `eph${f}`, family: f, address, port: 0 },
    ];
  });
}

/** A response (flags 0x8400: QR + AA). */
export function response(answers: readonly Answer[], additionals: readonly Answer[] = []): Buffer {
  return dnsPacket.encode({
    type: 'response',
    flags: 0x8400,
    answers: [...answers],
    additionals: [...additionals],
  } as Packet);
}

/** Offset just past the (uncompressed or pointer-ended) name at `off` in `buf`. */
function skipName(buf: Buffer, off: number): number {
  for (let i = 0; i < 128 && off < buf.length; i++) {
    const len = buf[off] ?? 0;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    off += len + 1;
  }
  throw new Error('malformed name in an encoded query');
}

/** A query; `qu` sets the QU bit of every question; `id` for legacy unicast. */
export function query(
  questions: readonly Question[],
  opts: { id?: number; qu?: boolean; additionals?: readonly Answer[] } = {},
): Buffer {
  const packet: Packet = {
    type: 'query',
    id: opts.id ?? 0,
    flags: 0,
    questions: [...questions],
    additionals: [...(opts.additionals ?? [])],
  };
  const buf = dnsPacket.encode(packet);
  if (opts.qu) {
    let off = 12;
    for (let i = 0; i < questions.length; i++) {
      off = skipName(buf, off) + 2;
      buf[off] = (buf[off] ?? 0) | 0x80;
      off += 2;
    }
  }
  return buf;
}

/** A record with data (every type but OPT). */
export type DataAnswer = Exclude<Answer, OptAnswer>;

/** Every record of a received message (answers, authorities, additionals), OPT left out. */
export function recordsOf(msg: DecodedPacket | undefined): DataAnswer[] {
  if (!msg) return [];
  return [...(msg.answers ?? []), ...(msg.authorities ?? []), ...(msg.additionals ?? [])].filter(
    (r): r is DataAnswer => r.type !== 'OPT',
  );
}

/** Case-insensitive name comparison, trailing dot ignored. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

/** Full name of a service instance (dns-packet does not escape: no dots in `instance`). */
export function instanceFqdn(instance: string, type: string): string {
  if (instance.includes('.')) throw new Error(`instance names with dots are not supported here: ${instance}`);
  return `${instance}.${type}.local`;
}
