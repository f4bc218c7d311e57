/**
 * Runs the active tester (tester.cjs: plain dgram + dns-packet, independent
 * of boaster) in a lab host and turns its JSON lines into observations with
 * epoch-ms times, so they line up with the capture and the runner's marks.
 * Everything the tester received is decoded here with dns-packet.
 */
import { fileURLToPath } from 'node:url';
import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import type { Host } from '../lab/host.js';

const TESTER_SCRIPT = fileURLToPath(new URL('./tester.cjs', import.meta.url));

export type Family = 4 | 6;
/** Receiving socket: group-bound, bound to the own address:5353, or the ephemeral legacy socket. */
export type TesterSocket = 'multicast' | 'unicast' | 'ephemeral';

/** A packet the tester sends at `at` ms after it starts (see tester.cjs). */
export interface Step {
  readonly at: number;
  readonly label: string;
  readonly family?: Family;
  readonly socket?: 'mdns' | 'ephemeral';
  /** Unicast destination (IPv6 link-local with `%ifname`); default the group. */
  readonly to?: string;
  readonly port?: number;
  /** QU bit on the first (true) or the listed questions. */
  readonly qu?: true | readonly number[];
  readonly packet: Packet;
}

/** A reaction of the tester to packets it receives (see tester.cjs). */
export interface Reaction {
  readonly label: string;
  readonly family?: Family;
  readonly match: {
    readonly qr?: boolean;
    /** Case-insensitive regular expression for the whole name. */
    readonly name: string;
    readonly type?: string;
    readonly authority?: boolean;
    readonly section?: 'question' | 'answer';
  };
  /** Only between these tester times (ms). */
  readonly from?: number;
  readonly until?: number;
  /** Ignore the first `skip` matches. */
  readonly skip?: number;
  readonly max?: number;
  readonly respond: readonly {
    readonly after: number;
    readonly packet: Packet;
    readonly to?: 'group' | 'source';
    readonly qu?: true | readonly number[];
  }[];
}

export interface TesterPlan {
  readonly durationMs: number;
  readonly steps?: readonly Step[];
  readonly reactions?: readonly Reaction[];
  /** Open IPv6 sockets too. */
  readonly ipv6?: boolean;
}

export interface TesterDatagram {
  readonly family: Family;
  readonly sock: TesterSocket;
  /** Arrival, epoch ms. */
  readonly at: number;
  readonly from: string;
  readonly port: number;
  readonly msg: DecodedPacket | undefined;
}

export interface TesterSend {
  readonly label: string;
  /** Epoch ms. */
  readonly at: number;
  readonly family: Family;
  readonly to: string;
  readonly msg: DecodedPacket | undefined;
}

export interface TesterReact {
  readonly label: string;
  readonly at: number;
  readonly name: string;
}

/** What one tester run saw. */
export interface TesterRun {
  /** Epoch ms of the tester's t = 0. */
  readonly start: number;
  readonly end: number;
  readonly sent: readonly TesterSend[];
  readonly received: readonly TesterDatagram[];
  readonly reacts: readonly TesterReact[];
  readonly errors: readonly string[];
}

interface Line {
  kind: string;
  label?: string;
  sock?: TesterSocket;
  family?: Family;
  t?: number;
  epochMs?: number;
  from?: string;
  to?: string;
  port?: number;
  hex?: string;
  name?: string;
  error?: string;
}

function decode(hex: string): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
}

/** Run the tester in `host` (its first interface) and wait for it to finish (bounded by the plan's duration). */
export async function runTester(host: Host, plan: TesterPlan): Promise<TesterRun> {
  const nic = host.interfaces[0];
  if (nic?.ipv4 === undefined) throw new Error(`host ${host.name} has no IPv4 address for the tester`);
  if (plan.ipv6 && nic.ipv6 === undefined)
    throw new Error(`host ${host.name} has no IPv6 link-local address for the tester`);
  const cfg = {
    v4: { source: nic.ipv4 },
    ...(plan.ipv6 ? { v6: { source: nic.ipv6, ifname: nic.ifname } } : {}),
    durationMs: plan.durationMs,
    steps: plan.steps ?? [],
    reactions: plan.reactions ?? [],
  };
  const r = await host.run(process.execPath, [TESTER_SCRIPT, JSON.stringify(cfg)], {
    timeoutMs: plan.durationMs + 15_000,
  });
  let start = Date.now() - plan.durationMs;
  let end = start + plan.durationMs;
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const ready = lines.find((l) => l.kind === 'ready');
  if (ready?.epochMs !== undefined) start = ready.epochMs;
  const sent: TesterSend[] = [];
  const received: TesterDatagram[] = [];
  const reacts: TesterReact[] = [];
  const errors: string[] = [];
  for (const l of lines) {
    const at = start + (l.t ?? 0);
    if (l.kind === 'sent' && l.hex !== undefined) {
      sent.push({ label: l.label ?? '', at, family: l.family ?? 4, to: l.to ?? '', msg: decode(l.hex) });
    } else if (l.kind === 'recv' && l.hex !== undefined) {
      received.push({
        family: l.family ?? 4,
        sock: l.sock ?? 'multicast',
        at,
        from: l.from ?? '',
        port: l.port ?? 0,
        msg: decode(l.hex),
      });
    } else if (l.kind === 'react') {
      reacts.push({ label: l.label ?? '', at, name: l.name ?? '' });
    } else if (l.kind === 'error') {
      errors.push(`${l.label ?? l.sock ?? ''}: ${l.error ?? ''}`);
    } else if (l.kind === 'done') {
      end = at;
    }
  }
  if (r.code !== 0) errors.push(`tester exit ${String(r.code)} ${r.signal ?? ''}: ${r.stderr.trim().slice(0, 300)}`);
  return { start, end, sent, received, reacts, errors };
}
