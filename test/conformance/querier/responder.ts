/**
 * Runs the scripted responder (responder.cjs: plain dgram + dns-packet,
 * independent of boaster) in a lab host and decodes what it sent. Times are
 * epoch ms, like the capture's.
 */
import { fileURLToPath } from 'node:url';
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import type { Host } from '../../lab/host.js';

const SCRIPT = fileURLToPath(new URL('./responder.cjs', import.meta.url));

/** What the responder does at the querier's n-th PTR query (see responder.cjs). */
export interface Rule {
  readonly label: string;
  readonly nth: number;
  readonly after?: number;
  readonly action: 'announce' | 'goodbye' | 'dup' | 'ask' | 'end';
  /** Record set of `announce` / `goodbye`. */
  readonly set?: string;
  /** `announce`: the set this one supersedes (no longer live). */
  readonly replaces?: string;
  /** `dup`: this many ms before query n+1 is due under interval doubling. */
  readonly beforeNext?: number;
  /** `dup`: known answers added to those the querier listed. */
  readonly extra?: readonly Answer[];
}

export interface ResponderPlan {
  /** The PTR name browsed, e.g. `_boaster-qconf._tcp.local`. */
  readonly ptrName: string;
  /** Upper bound of the run (an `end` rule usually stops it earlier). */
  readonly durationMs: number;
  /** Answer the querier's queries from the live records (§7.1 known-answer suppression). */
  readonly answer: boolean;
  readonly sets: Readonly<Record<string, readonly Answer[]>>;
  readonly rules: readonly Rule[];
}

export interface ResponderSend {
  readonly label: string;
  readonly at: number;
  readonly msg: DecodedPacket | undefined;
}

/** What one responder run did. */
export interface ResponderRun {
  readonly start: number;
  readonly end: number;
  /** Epoch ms at which the responder counted query n (index n−1). */
  readonly queries: readonly number[];
  readonly sent: readonly ResponderSend[];
  readonly errors: readonly string[];
}

interface Line {
  kind: string;
  label?: string;
  at?: number;
  epochMs?: number;
  n?: number;
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

/** A running responder: `listening` once its socket is bound, `done` with everything it did. */
export interface RunningResponder {
  readonly listening: Promise<void>;
  readonly done: Promise<ResponderRun>;
}

/** Start the responder in `host` (its primary IPv4), scripted against the querier at `querier`. */
export function startResponder(host: Host, querier: string, plan: ResponderPlan): RunningResponder {
  const cfg = { source: host.ipv4, querier, ...plan };
  const proc = host.spawn(process.execPath, [SCRIPT, JSON.stringify(cfg)], { label: `responder@${host.name}` });
  const listening = proc.waitForOutput(/"kind":"ready"/, 10_000).then(() => undefined);
  listening.catch(() => undefined);
  const done = (async (): Promise<ResponderRun> => {
    const timer = setTimeout(() => void proc.stop(), plan.durationMs + 15_000);
    const exit = await proc.exited;
    clearTimeout(timer);
    const lines = proc.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
    const start = lines.find((l) => l.kind === 'ready')?.epochMs ?? Date.now() - plan.durationMs;
    const errors = lines.filter((l) => l.kind === 'error').map((l) => l.error ?? '');
    if (exit.code !== 0)
      errors.push(`responder exit ${String(exit.code)} ${exit.signal ?? ''}: ${proc.stderr.trim().slice(0, 300)}`);
    return {
      start,
      end: lines.find((l) => l.kind === 'done')?.at ?? Date.now(),
      queries: lines.filter((l) => l.kind === 'query').map((l) => l.at ?? 0),
      sent: lines
        .filter((l) => l.kind === 'sent')
        .map((l) => ({ label: l.label ?? '', at: l.at ?? 0, msg: decode(l.hex ?? '') })),
      errors,
    };
  })();
  return { listening, done };
}
