/**
 * python-zeroconf peers inside lab hosts (scripts in ./py, run with
 * /usr/bin/python3, which is where Debian's python3-zeroconf lives).
 *
 * Verified (zeroconf 0.47.3): `Zeroconf(interfaces=["192.0.2.11"],
 * ip_version=IPVersion.V4Only)` binds only the lab interface;
 * `register_service` returns after probing + first announcement (~0.8 s),
 * after which avahi in another host sees the service on its first browse.
 */
import { fileURLToPath } from 'node:url';
import { PYTHON } from './availability.js';
import type { Host } from './host.js';
import type { LabProcess } from './process.js';

/** Absolute path of a helper script in ./py. */
export function pyScript(file: string): string {
  return fileURLToPath(new URL(`./py/${file}`, import.meta.url));
}

/** `-u` unbuffered output (we wait for lines), `-B` no __pycache__ in the source tree. */
const PY_FLAGS = ['-u', '-B'];

/** Service for {@link startZeroconfPublisher}. */
export interface ZeroconfServiceSpec {
  /** Instance name, e.g. `Lab Smoke Test`. */
  readonly name: string;
  /** Service type without domain, e.g. `_boaster-smoke._tcp`. */
  readonly type: string;
  readonly port: number;
  /** TXT key/values; `null` for a boolean (value-less) key. */
  readonly txt?: Readonly<Record<string, string | null>>;
  /** Target host name, e.g. `zc-h1.local.`; default derived from the name. */
  readonly server?: string;
  /**
   * Interfaces to bind; default the host's primary IPv4. IPv4 addresses bind
   * IPv4 sockets, ifnames (turned into indexes) bind IPv6 ones, so for
   * `ipVersion: 'all'` pass both, e.g. `[host.ipv4, 'eth0']` (verified: with
   * only `'eth0'`, zeroconf sends over IPv6 alone).
   */
  readonly interfaces?: readonly string[];
  /** Addresses to publish; default the IPv4 entries of `interfaces`. */
  readonly addresses?: readonly string[];
  /** `4` (default), `6` or `all`. */
  readonly ipVersion?: '4' | '6' | 'all';
  /** Let zeroconf rename on conflict instead of failing; default false. */
  readonly allowNameChange?: boolean;
  /** Self-termination bound (s); default 300. */
  readonly lifetimeS?: number;
  /** Wait for READY; default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** What the publisher reported once registered. */
export interface ZeroconfReady {
  readonly name: string;
  readonly type: string;
  readonly server: string;
  readonly port: number;
  readonly addresses: readonly string[];
}

/** A running python-zeroconf publisher. */
export interface ZeroconfPublisher {
  readonly process: LabProcess;
  readonly ready: ZeroconfReady;
  /** SIGTERM: the script unregisters (goodbye packets) and exits. */
  stop(): Promise<void>;
}

function interfaceArgs(host: Host, interfaces: readonly string[] | undefined): string[] {
  return (interfaces ?? [host.ipv4]).flatMap((i) => ['--interface', i]);
}

/** Start `py/zc_publish.py` in `host`; resolves once the service is registered. */
export async function startZeroconfPublisher(host: Host, spec: ZeroconfServiceSpec): Promise<ZeroconfPublisher> {
  const args = [
    ...PY_FLAGS,
    pyScript('zc_publish.py'),
    ...interfaceArgs(host, spec.interfaces),
    '--ip-version',
    spec.ipVersion ?? '4',
    '--name',
    spec.name,
    '--type',
    spec.type,
    '--port',
    String(spec.port),
    '--lifetime',
    String(spec.lifetimeS ?? 300),
  ];
  for (const [k, v] of Object.entries(spec.txt ?? {})) args.push('--txt', v === null ? k : `${k}=${v}`);
  for (const a of spec.addresses ?? []) args.push('--address', a);
  if (spec.server !== undefined) args.push('--server', spec.server);
  if (spec.allowNameChange) args.push('--allow-name-change');
  const proc = host.spawn(PYTHON, args, { label: `zc_publish@${host.name}` });
  try {
    const m = await proc.waitForOutput(/^READY (.*)$/m, spec.timeoutMs ?? 15_000);
    const ready = JSON.parse(m[1] ?? '{}') as ZeroconfReady;
    return {
      process: proc,
      ready,
      stop: async () => {
        await proc.stop();
      },
    };
  } catch (e) {
    await proc.stop().catch(() => undefined);
    throw e;
  }
}

/** One service as found and resolved by `py/zc_browse.py`. */
export interface ZeroconfService {
  /** Instance name, e.g. `Lab Smoke Test`. */
  readonly name: string;
  /** Full name, e.g. `Lab Smoke Test._http._tcp.local.`. */
  readonly fullName: string;
  /** Type with domain, e.g. `_http._tcp.local.`. */
  readonly type: string;
  /** Target host, e.g. `lab-h0.local.`. */
  readonly server: string;
  readonly port: number;
  /** Addresses (IPv6 link-local with `%scope`). */
  readonly addresses: readonly string[];
  /** TXT properties; `null` for value-less keys. */
  readonly properties: Readonly<Record<string, string | null>>;
}

/** Options for {@link zeroconfBrowse}. */
export interface ZeroconfBrowseOptions {
  /** Browse this long (ms); default 3000. */
  readonly durationMs?: number;
  /** Stop early once all these instance names are resolved. */
  readonly until?: readonly string[];
  /** Interfaces to bind (IPv4 addresses and/or ifnames, as for the publisher); default the host's primary IPv4. */
  readonly interfaces?: readonly string[];
  /** `4` (default), `6` or `all`. */
  readonly ipVersion?: '4' | '6' | 'all';
}

/** Run `py/zc_browse.py` in `host` for the given types and return the resolved services. */
export async function zeroconfBrowse(
  host: Host,
  types: readonly string[],
  opts: ZeroconfBrowseOptions = {},
): Promise<ZeroconfService[]> {
  const durationMs = opts.durationMs ?? 3_000;
  const args = [
    ...PY_FLAGS,
    pyScript('zc_browse.py'),
    ...interfaceArgs(host, opts.interfaces),
    '--ip-version',
    opts.ipVersion ?? '4',
    '--duration',
    String(durationMs / 1000),
    ...types.flatMap((t) => ['--type', t]),
    ...(opts.until ?? []).flatMap((u) => ['--until', u]),
  ];
  const r = await host.runChecked(PYTHON, args, { timeoutMs: durationMs + 20_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`zc_browse printed no RESULT line:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as ZeroconfService[];
}
