/**
 * Issue 15, churn soak: the scenario shared by soak.lab.test.ts (a 60 s
 * slice) and bench/soak.ts (10 minutes).
 *
 * Two lab hosts. h0 runs churn-child.ts (one `Mdns` churning a few hundred
 * services, a second one browsing, resolving and querying them); h1 runs
 * two real peers from outside: python-zeroconf browsing the type
 * (zc_watch.py), and `dig -p 5353 @h0` legacy unicast queries (RFC 6762
 * §6.7) once a second, alternating the pinned anchor's SRV, which must
 * always be answered with its port, and the type's PTR. The child's
 * samples become a series; the least-squares slope per minute of RSS, heap
 * (after gc), fds and active handles is taken over the samples after the
 * warm-up (`warmupS`, default 15 s: the first announcements, the cache
 * filling and the JIT settle there, so they are left out of the slope).
 */
import { fileURLToPath } from 'node:url';
import type { Host } from '../../lab/host.js';
import type { Lab } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/process.js';
import { PYTHON } from '../../lab/availability.js';
import { within } from '../../lab/within.js';
import { sleep } from '../../lab/wait.js';
import type { ChildConfig } from './churn-child.js';
import { slopes, type ChildDone, type Sample, type SoakSlopes } from './series.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./churn-child.ts', import.meta.url));
const ZC_WATCH = fileURLToPath(new URL('./zc_watch.py', import.meta.url));

export const SOAK_TYPE = '_soak._tcp';
export const SOAK_HOST = 'soakhost';
export const SOAK_ANCHOR = 'Soak-Anchor';
const ANCHOR_PORT = 4242;

export interface SoakOptions {
  /** Churn duration (s). */
  readonly seconds: number;
  /** Live services to keep (default 300). */
  readonly target?: number;
  readonly opsPerSecond?: number;
  readonly queriesPerSecond?: number;
  readonly sampleMs?: number;
  readonly seed?: number;
  /** Samples before this (s) are left out of the slopes (default 15). */
  readonly warmupS?: number;
}

/** The dig peer's tally. */
export interface DigTally {
  readonly anchorSent: number;
  /** Replies with the anchor's SRV and its port. */
  readonly anchorAnswered: number;
  readonly ptrSent: number;
  /** Replies with at least one PTR (cut to 512 bytes with TC, §6.7). */
  readonly ptrAnswered: number;
}

/** python-zeroconf's view. */
export interface ZeroconfTally {
  readonly added: number;
  readonly removed: number;
  readonly updated: number;
  readonly current: number;
  /** Live names the child had at the end that zeroconf did not see, and the reverse. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

export interface SoakReport {
  readonly options: Required<SoakOptions>;
  readonly samples: readonly Sample[];
  readonly slopes: SoakSlopes;
  readonly child: ChildDone;
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  readonly dig: DigTally;
  readonly zeroconf: ZeroconfTally;
  readonly stderrTail: string;
}

/** JSON lines of `proc`'s stdout of one kind. */
function linesOf<T>(proc: LabProcess, kind: string): T[] {
  return proc.stdout
    .split('\n')
    .filter((l) => l.startsWith(`{"kind":"${kind}"`))
    .map((l) => JSON.parse(l) as T);
}

/** Legacy unicast queries from h1 once a second until `stop()` (bounded by `maxMs`). */
function digLoop(h1: Host, target: string, maxMs: number): { stop: () => Promise<DigTally> } {
  const tally = { anchorSent: 0, anchorAnswered: 0, ptrSent: 0, ptrAnswered: 0 };
  let stopping = false;
  const deadline = Date.now() + maxMs;
  const dig = (name: string, type: string): Promise<string> =>
    h1
      .run(
        'dig',
        ['-p', '5353', `@${target}`, name, type, '+time=1', '+tries=1', '+ignore', '+norec', '+noall', '+answer'],
        {
          timeoutMs: 5_000,
        },
      )
      .then((r) => r.stdout);
  const loop = (async () => {
    for (let i = 0; !stopping && Date.now() < deadline; i++) {
      const at = Date.now();
      if (i % 2 === 0) {
        tally.anchorSent++;
        const out = await dig(`${SOAK_ANCHOR}.${SOAK_TYPE}.local`, 'SRV');
        if (new RegExp(`\\sSRV\\s+\\d+ \\d+ ${ANCHOR_PORT} ${SOAK_HOST}\\.local\\.`).test(out)) tally.anchorAnswered++;
      } else {
        tally.ptrSent++;
        if (/\sPTR\s+\S/.test(await dig(`${SOAK_TYPE}.local`, 'PTR'))) tally.ptrAnswered++;
      }
      await sleep(Math.max(0, 1_000 - (Date.now() - at)));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return tally;
    },
  };
}

async function finish(proc: LabProcess, ms: number): Promise<void> {
  if (!(await within(proc.exited, ms))) await proc.stop();
}

/** Run the soak in `lab` (2 hosts); every process it started is stopped before it returns. */
export async function runSoak(lab: Lab, opts: SoakOptions): Promise<SoakReport> {
  const options: Required<SoakOptions> = {
    target: 300,
    opsPerSecond: 20,
    queriesPerSecond: 10,
    sampleMs: 5_000,
    seed: 15,
    warmupS: 15,
    ...opts,
  };
  const [h0, h1] = [lab.host(0), lab.host(1)];
  const config: ChildConfig = {
    ifname: h0.ifname,
    seconds: options.seconds,
    target: options.target,
    opsPerSecond: options.opsPerSecond,
    queriesPerSecond: options.queriesPerSecond,
    sampleMs: options.sampleMs,
    seed: options.seed,
    type: SOAK_TYPE,
    hostName: SOAK_HOST,
    anchor: SOAK_ANCHOR,
  };
  const child = h0.spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, JSON.stringify(config)], {
    cwd: root,
    label: `churn-child@${h0.name}`,
  });
  let zc: LabProcess | undefined;
  try {
    await child.waitForOutput(/^\{"kind":"ready"/m, 60_000);
    zc = h1.spawn(
      PYTHON,
      ['-u', '-B', ZC_WATCH, '--interface', h1.ipv4, '--type', SOAK_TYPE, '--duration', String(options.seconds + 60)],
      { label: `zc_watch@${h1.name}` },
    );
    await zc.waitForOutput(/^READY$/m, 15_000);
    const dig = digLoop(h1, h0.ipv4, options.seconds * 1000 + 30_000);
    let digTally: DigTally;
    try {
      await child.waitForOutput(/^\{"kind":"settled".*\n/m, options.seconds * 1000 + 60_000);
    } finally {
      digTally = await dig.stop();
    }
    // A goodbye sent just before the child settled takes python-zeroconf a second to act on (RFC 6762 §10.1).
    await sleep(1_500);
    await zc.stop();
    const zcLine = zc.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const zcResult = JSON.parse(zcLine?.slice('RESULT '.length) ?? 'null') as {
      added: number;
      removed: number;
      updated: number;
      current: number;
      names: string[];
    } | null;
    const settled = linesOf<{ names: string[] }>(child, 'settled')[0]?.names ?? [];
    child.write('close\n');
    await child.waitForOutput(/^\{"kind":"(done|error)".*\n/m, 30_000);
    await finish(child, 10_000);
    const done = linesOf<ChildDone>(child, 'done')[0];
    if (!done) throw new Error(`the churn child printed no result\n${child.tail()}`);
    const samples = linesOf<Sample>(child, 'sample');
    const zcNames = new Set(zcResult?.names ?? []);
    const live = new Set(settled);
    return {
      options,
      samples,
      slopes: slopes(samples, options.warmupS),
      child: done,
      exit: { code: child.exitStatus?.code ?? null, signal: child.exitStatus?.signal ?? null },
      dig: digTally,
      zeroconf: {
        added: zcResult?.added ?? 0,
        removed: zcResult?.removed ?? 0,
        updated: zcResult?.updated ?? 0,
        current: zcResult?.current ?? 0,
        missing: [...live].filter((n) => !zcNames.has(n)),
        extra: [...zcNames].filter((n) => !live.has(n)),
      },
      stderrTail: child.stderr.slice(-3_000),
    };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${child.tail()}`, { cause: error });
  } finally {
    await Promise.allSettled([zc && finish(zc, 1_000), finish(child, 1_000)]);
  }
}
