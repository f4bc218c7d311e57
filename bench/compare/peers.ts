/**
 * The implementations the comparison benchmark runs, and how each is started
 * inside a lab host: boaster, avahi-daemon, python-zeroconf, @homebridge/ciao
 * and bonjour-service as responders; boaster's browser, avahi-browse,
 * python-zeroconf, bonjour-service and multicast-dns as queriers. Every
 * adapter speaks the line protocol of bench/peers/README.md; avahi is the
 * exception on the responder side (static service files, no "ready").
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../test/lab/availability.js';
import { startAvahi, type Avahi } from '../../test/lab/avahi.js';
import type { Host } from '../../test/lab/host.js';
import type { LabProcess } from '../../test/lab/process.js';
import { SERVICE_TYPE, avahiServiceFile, hwid, instanceName, servicePort } from '../scale-lab/spec.mjs';
import { within } from '../../test/lab/within.js';

export const RESPONDERS = ['boaster', 'avahi', 'python-zeroconf', 'ciao', 'bonjour-service'] as const;
export type ResponderImpl = (typeof RESPONDERS)[number];
export const QUERIERS = ['boaster', 'avahi-browse', 'python-zeroconf', 'bonjour-service', 'multicast-dns'] as const;
export type QuerierImpl = (typeof QUERIERS)[number];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const peer = (file: string): string => fileURLToPath(new URL(`../peers/${file}`, import.meta.url));
const BOASTER_PUBLISH = fileURLToPath(new URL('../scale-lab/driver.mjs', import.meta.url));

/**
 * avahi publishes its link-local AAAA over IPv4 unless told not to; every
 * other implementation here publishes A records only (IPv4 only), so avahi
 * does the same (and avahi-browse -r then resolves every instance to the
 * address the others see).
 */
export const IPV4_RECORDS_ONLY = { publish: { 'publish-aaaa-on-ipv4': 'no' } } as const;

/** Host label a responder publishes under: `bench-<impl>` (the scale-lab's names for boaster and avahi). */
export function hostLabel(impl: ResponderImpl): string {
  return impl === 'python-zeroconf' ? 'bench-zeroconf' : `bench-${impl}`;
}

/** A responder publishing N services in a lab host. */
export interface RunningResponder {
  readonly impl: ResponderImpl;
  /** The process started for this run: its start is the time origin. */
  readonly proc: LabProcess;
  /** The process whose CPU and memory are measured (avahi: the daemon). */
  readonly measured: LabProcess;
  /** Epoch ms of its `publish` and `ready` lines (null: not printed, or avahi). */
  publishAt(): number | null;
  readyAt(): number | null;
  /** Wait (bounded) for `ready`; avahi: resolves at once. */
  waitReady(timeoutMs: number): Promise<void>;
  /** SIGTERM; resolves when it exited (killed after `graceMs`) with whether it exited by itself. */
  stop(graceMs: number): Promise<{ exited: boolean; closedAt: number | null }>;
}

const stampOf = (proc: LabProcess, word: string): number | null => {
  const m = new RegExp(`^${word} (\\d+)$`, 'm').exec(proc.stdout);
  return m ? Number(m[1]) : null;
};

async function stopProc(proc: LabProcess, graceMs: number): Promise<{ exited: boolean; closedAt: number | null }> {
  proc.signal('SIGTERM');
  const exited = await within(proc.exited, graceMs);
  if (!exited) await proc.stop();
  return { exited, closedAt: stampOf(proc, 'closed') };
}

function adapterCommand(impl: Exclude<ResponderImpl, 'avahi'>): [string, string[]] {
  switch (impl) {
    case 'boaster':
      return [process.execPath, [BOASTER_PUBLISH]];
    case 'python-zeroconf':
      return [PYTHON, ['-u', '-B', peer('zeroconf-publish.py')]];
    case 'ciao':
      return [process.execPath, [peer('ciao-publish.cjs')]];
    case 'bonjour-service':
      return [process.execPath, [peer('bonjour-service-publish.cjs')]];
  }
}

/** Start `impl` publishing `n` services on `host` (IPv4 only, the lab interface only). */
export async function startResponder(
  impl: ResponderImpl,
  host: Host,
  n: number,
  timeoutMs: number,
): Promise<RunningResponder> {
  if (impl === 'avahi') {
    const services: Record<string, string> = {};
    for (let i = 0; i < n; i++) services[`svc-${i}.service`] = avahiServiceFile(i);
    const avahi: Avahi = await startAvahi(host, {
      hostName: hostLabel(impl),
      useIPv6: false,
      services,
      timeoutMs,
      extraConfig: IPV4_RECORDS_ONLY,
    });
    return {
      impl,
      proc: avahi.daemon,
      measured: avahi.daemon,
      publishAt: () => null,
      readyAt: () => null,
      waitReady: () => Promise.resolve(),
      stop: async (graceMs) => {
        const closed = await stopProc(avahi.daemon, graceMs);
        await avahi.stop();
        return closed;
      },
    };
  }
  const [cmd, args] = adapterCommand(impl);
  const cfg = { n, address: host.ipv4, ifname: host.ifname, host: hostLabel(impl), maxLifeMs: 3_600_000 };
  const proc = host.spawn(cmd, [...args, JSON.stringify(cfg)], { cwd: ROOT, label: `${impl}-publish@${host.name}` });
  return {
    impl,
    proc,
    measured: proc,
    publishAt: () => stampOf(proc, 'publish'),
    readyAt: () => stampOf(proc, 'ready'),
    waitReady: async (ms) => {
      await proc.waitForOutput(/^ready \d+$/m, ms);
    },
    stop: (graceMs) => stopProc(proc, graceMs),
  };
}

/** A running avahi-daemon publishing nothing, for {@link startAvahiPublish}. */
export function startAvahiDaemon(host: Host): Promise<Avahi> {
  return startAvahi(host, { hostName: hostLabel('avahi'), useIPv6: false, extraConfig: IPV4_RECORDS_ONLY });
}

/**
 * One service through avahi's client API, as an application on a host where
 * avahi runs publishes: `avahi-publish -s svc-0 _bench._tcp 8000 hwid=…`
 * against the running `daemon`; `ready` when it prints "Established under
 * name" (its API's callback), stamped as the line arrives. SIGTERM withdraws
 * the service (avahi's goodbye).
 */
export function startAvahiPublish(daemon: Avahi): RunningResponder {
  const args = ['-s', instanceName(0), SERVICE_TYPE, String(servicePort(0)), `hwid=${hwid(0)}`];
  const proc = daemon.host.spawn('avahi-publish', args, {
    env: daemon.env,
    label: `avahi-publish@${daemon.host.name}`,
  });
  let readyAt: number | null = null;
  return {
    impl: 'avahi',
    proc,
    measured: daemon.daemon,
    publishAt: () => null,
    readyAt: () => readyAt,
    waitReady: async (ms) => {
      await proc.waitForOutput(/Established under name/, ms);
      readyAt ??= Date.now();
    },
    stop: (graceMs) => stopProc(proc, graceMs),
  };
}

/** One querier's events, parsed from its lines. */
export interface QuerierEvents {
  readonly startedAt: number | null;
  readonly found: ReadonlyMap<string, number>;
  readonly resolved: ReadonlyMap<string, { at: number; port: number; hwid: string; ipv4: string }>;
  readonly lost: ReadonlyMap<string, number>;
}

/** A querier browsing `_bench._tcp` in a lab host. */
export interface RunningQuerier {
  readonly impl: QuerierImpl;
  readonly proc: LabProcess;
  /** The processes whose memory is its footprint (avahi-browse: the tool and the host's avahi-daemon). */
  pids(): number[];
  events(): QuerierEvents;
  stop(): Promise<void>;
}

/** Parse the adapter's lines (bench/peers/README.md). */
export function parseQuerierLines(text: string): QuerierEvents {
  let startedAt: number | null = null;
  const found = new Map<string, number>();
  const resolved = new Map<string, { at: number; port: number; hwid: string; ipv4: string }>();
  const lost = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'started') startedAt = Number(f[1]);
    else if (f[0] === 'found' && f[1] !== undefined && !found.has(f[1])) found.set(f[1], Number(f[2]));
    else if (f[0] === 'resolved' && f[1] !== undefined && !resolved.has(f[1]))
      resolved.set(f[1], { at: Number(f[2]), port: Number(f[3]), hwid: f[4] ?? '-', ipv4: f[5] ?? '-' });
    else if (f[0] === 'lost' && f[1] !== undefined) lost.set(f[1], Number(f[2]));
  }
  return { startedAt, found, resolved, lost };
}

function querierCommand(impl: QuerierImpl): [string, string[]] {
  switch (impl) {
    case 'boaster':
      return [process.execPath, [peer('boaster-browse.mjs')]];
    case 'avahi-browse':
      return [process.execPath, [peer('avahi-browse.cjs')]];
    case 'python-zeroconf':
      return [PYTHON, ['-u', '-B', peer('zeroconf-browse.py')]];
    case 'bonjour-service':
      return [process.execPath, [peer('bonjour-service-browse.cjs')]];
    case 'multicast-dns':
      return [process.execPath, [peer('multicast-dns-browse.cjs')]];
  }
}

/** Start `impl` browsing on `host`; avahi-browse gets an avahi-daemon of its own there (publishing off). */
export async function startQuerier(
  impl: QuerierImpl,
  host: Host,
  type: string,
  maxLifeMs: number,
): Promise<RunningQuerier> {
  let daemon: Avahi | undefined;
  if (impl === 'avahi-browse')
    daemon = await startAvahi(host, {
      hostName: 'bench-avahi-browse',
      useIPv6: false,
      extraConfig: { publish: { 'disable-publishing': 'yes' } },
    });
  const [cmd, args] = querierCommand(impl);
  const cfg = { address: host.ipv4, ifname: host.ifname, type, maxLifeMs };
  const proc = host.spawn(cmd, [...args, JSON.stringify(cfg)], {
    cwd: ROOT,
    label: `${impl}-browse@${host.name}`,
    ...(daemon ? { env: daemon.env } : {}),
  });
  await proc.waitForOutput(/^started \d+$/m, 15_000);
  return {
    impl,
    proc,
    pids: () => {
      const child = /^pid (\d+)$/m.exec(proc.stdout);
      return daemon && child ? [Number(child[1]), daemon.daemon.pid] : [proc.pid];
    },
    events: () => parseQuerierLines(proc.stdout),
    stop: async () => {
      await stopProc(proc, 5_000);
      await daemon?.stop();
    },
  };
}

/** Versions of everything compared, for the machine description. */
export function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const pkg = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  const cmd = (file: string, args: readonly string[]): string => {
    try {
      return execFileSync(file, [...args], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      return 'unknown';
    }
  };
  const own = (require('../../package.json') as { version: string }).version;
  return {
    boaster: own,
    avahi: cmd('avahi-daemon', ['--version']).replace(/^avahi-daemon /, ''),
    'python-zeroconf': cmd(PYTHON, ['-c', 'import zeroconf; print(zeroconf.__version__)']),
    ciao: pkg('@homebridge/ciao'),
    'bonjour-service': pkg('bonjour-service'),
    'multicast-dns': pkg('multicast-dns'),
    'dns-packet': pkg('dns-packet'),
  };
}
