/**
 * Querier targets: each browses one service type in a lab host (or runs its
 * stack idle, browsing nothing) and reports instances found and gone, with
 * the time it did. The cases judge the queries from the capture and the
 * reports from what the target printed.
 *
 * Time origin of the first query (case `first-query`):
 * - boaster, python-zeroconf: the driver's `ready` line carries the wall
 *   clock read right before the browse call (process start-up and imports
 *   are before it, so they do not count);
 * - avahi: the spawn of `avahi-browse` (a C client that connects to the
 *   daemon over D-Bus before the daemon starts browsing), so its figure
 *   includes that start-up; the case allows for it.
 */
import { fileURLToPath } from 'node:url';
import { startAvahi, type Avahi } from '../../lab/avahi.js';
import { PYTHON } from '../../lab/availability.js';
import type { Host } from '../../lab/host.js';
import type { LabProcess } from '../../lab/process.js';
import { REPO_ROOT } from '../targets.js';

export type QuerierName = 'boaster' | 'avahi' | 'python-zeroconf';
export const QUERIER_NAMES: readonly QuerierName[] = ['boaster', 'avahi', 'python-zeroconf'];

/**
 * What the target reported, epoch ms: an instance found (`up`) or gone
 * (`down`), or what it showed of one (`seen`: resolved or changed, with its
 * TXT strings and IPv4 addresses).
 */
export interface Report {
  readonly kind: 'up' | 'down' | 'seen';
  readonly name: string;
  readonly at: number;
  readonly txt?: readonly string[];
  readonly addresses?: readonly string[];
}

export type OriginKind = 'ready line' | 'spawn';

/** A browsing (or idle) target. */
export interface RunningQuerier {
  /** Epoch ms the browse started (see the file comment), resolved once the target runs. */
  readonly origin: Promise<number>;
  readonly originKind: OriginKind;
  /** Reports so far. */
  reports(): Report[];
  /** Stop it (idempotent). */
  stop(): Promise<void>;
  output(): string;
}

export interface QuerierTarget {
  readonly name: QuerierName;
  /** What runs: the command, for the report. */
  readonly command: string;
  /** Extra start-up the first-query window allows for the origin (ms). */
  readonly startupAllowanceMs: number;
  /** Whether it shows an instance again when its records change (`seen` reports after the first); why not, when not. */
  readonly followsChanges: true | string;
  /** Browse `type` (`_x._tcp`); reports for the instances named in `watch`. */
  browse(host: Host, type: string, watch: readonly string[], timeoutMs: number): RunningQuerier;
  /** Run the stack without browsing anything. */
  idle(host: Host, timeoutMs: number): RunningQuerier;
}

const DRIVER = 'test/conformance/querier/boaster-browser.ts';
const ZC_DRIVER = fileURLToPath(new URL('./zc_browser.py', import.meta.url));

interface DriverLine {
  kind?: string;
  name?: string;
  at?: number;
  txt?: string[];
  addresses?: string[];
}

function report(l: DriverLine): Report[] {
  if ((l.kind !== 'up' && l.kind !== 'down' && l.kind !== 'seen') || l.name === undefined || l.at === undefined)
    return [];
  return [
    l.kind === 'seen'
      ? { kind: l.kind, name: l.name, at: l.at, txt: l.txt ?? [], addresses: l.addresses ?? [] }
      : { kind: l.kind, name: l.name, at: l.at },
  ];
}

/** Lines of a driver printing JSON (`ready`, `up`, `down`). */
function jsonLines(proc: LabProcess): DriverLine[] {
  return proc.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as DriverLine];
      } catch {
        return [];
      }
    });
}

function driver(proc: LabProcess, timeoutMs: number): RunningQuerier {
  const origin = proc
    .waitForOutput(/"kind": ?"ready"/, timeoutMs)
    .then(() => jsonLines(proc).find((l) => l.kind === 'ready')?.at ?? Date.now());
  origin.catch(() => undefined);
  return {
    origin,
    originKind: 'ready line',
    reports: () => jsonLines(proc).flatMap(report),
    stop: async () => {
      await proc.stop();
    },
    output: () => proc.output,
  };
}

const boaster: QuerierTarget = {
  name: 'boaster',
  command: `node --import tsx ${DRIVER} (Mdns.browse(type), as boaster browse does)`,
  startupAllowanceMs: 0,
  followsChanges: true,
  browse: (host, type, _watch, timeoutMs) =>
    driver(
      host.spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify({ ifname: host.ifname, type })], {
        cwd: REPO_ROOT,
        label: `boaster-browser@${host.name}`,
      }),
      timeoutMs,
    ),
  idle: (host, timeoutMs) =>
    driver(
      host.spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify({ ifname: host.ifname })], {
        cwd: REPO_ROOT,
        label: `boaster-idle@${host.name}`,
      }),
      timeoutMs,
    ),
};

const zeroconf: QuerierTarget = {
  name: 'python-zeroconf',
  command: `${PYTHON} zc_browser.py (ServiceBrowser, IPv4)`,
  startupAllowanceMs: 0,
  followsChanges: true,
  browse: (host, type, _watch, timeoutMs) =>
    driver(
      host.spawn(PYTHON, ['-u', '-B', ZC_DRIVER, host.ipv4, type], { label: `zc_browser@${host.name}` }),
      timeoutMs,
    ),
  idle: (host, timeoutMs) =>
    driver(host.spawn(PYTHON, ['-u', '-B', ZC_DRIVER, host.ipv4], { label: `zc_idle@${host.name}` }), timeoutMs),
};

/**
 * `+;eth0;IPv4;NAME;TYPE;local` / `-;…` lines of avahi-browse -p for `name`, as reports timed when
 * seen; its `=;…;host;address;port;"k=v" …` line as a `seen` report.
 */
function watchAvahi(proc: LabProcess, watch: readonly string[], reports: Report[], timeoutMs: number): void {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const name of watch) {
    for (const [kind, sign] of [
      ['up', '\\+'],
      ['down', '-'],
    ] as const) {
      proc.waitForOutput(new RegExp(`^${sign};[^;]*;IPv4;${esc(name)};`, 'm'), timeoutMs).then(
        () => reports.push({ kind, name, at: Date.now() }),
        () => undefined,
      );
    }
    proc.waitForOutput(new RegExp(`^=;[^;]*;IPv4;${esc(name)};[^\\n]*\\n`, 'm'), timeoutMs).then(
      (m) => {
        const fields = m[0].trimEnd().split(';');
        const txt = [
          ...fields
            .slice(9)
            .join(';')
            .matchAll(/"([^"]*)"/g),
        ].map((t) => t[1] ?? '');
        reports.push({ kind: 'seen', name, at: Date.now(), txt, addresses: [fields[7] ?? ''] });
      },
      () => undefined,
    );
  }
}

const avahi: QuerierTarget = {
  name: 'avahi',
  command: 'avahi-daemon + avahi-browse -p -r -k TYPE',
  // avahi-browse starts, connects to the daemon over D-Bus and asks it to browse.
  startupAllowanceMs: 150,
  followsChanges: 'avahi-browse -r resolves each instance once and prints one = line for it (one address)',
  browse(host, type, watch, timeoutMs) {
    let daemon: Avahi | undefined;
    let proc: LabProcess | undefined;
    const reports: Report[] = [];
    const origin = (async () => {
      daemon = await startAvahi(host, { hostName: `qconf-avahi-${host.name}`, timeoutMs });
      const at = Date.now();
      proc = daemon.host.spawn('avahi-browse', ['-p', '-r', '-k', type], {
        env: daemon.env,
        label: `avahi-browse@${host.name}`,
      });
      watchAvahi(proc, watch, reports, 120_000);
      return at;
    })();
    origin.catch(() => undefined);
    return {
      origin,
      originKind: 'spawn',
      reports: () => [...reports],
      stop: async () => {
        await origin.catch(() => undefined);
        await proc?.stop();
        await daemon?.stop();
      },
      output: () => `${proc?.output ?? ''}${daemon?.daemon.tail(1500) ?? ''}`,
    };
  },
  idle(host, timeoutMs) {
    let daemon: Avahi | undefined;
    const origin = (async () => {
      daemon = await startAvahi(host, { hostName: `qconf-idle-${host.name}`, timeoutMs });
      return Date.now();
    })();
    origin.catch(() => undefined);
    return {
      origin,
      originKind: 'ready line',
      reports: () => [],
      stop: async () => {
        await origin.catch(() => undefined);
        await daemon?.stop();
      },
      output: () => daemon?.daemon.tail(1500) ?? '',
    };
  },
};

export const QUERIERS: Readonly<Record<QuerierName, QuerierTarget>> = { boaster, avahi, 'python-zeroconf': zeroconf };
