/**
 * avahi command-line clients run inside a lab host against a lab
 * avahi-daemon: browse (parsed), publish (tracked process), resolve.
 */
import { formatCommand } from './exec.js';
import type { Avahi } from './avahi.js';
import { parseAvahiBrowse, type AvahiBrowseEntry } from './avahi-parse.js';
import type { LabProcess } from './process.js';
import { sleep } from './wait.js';

/** Options for {@link avahiBrowse}. */
export interface BrowseOptions {
  /** Resolve services (`-r`, yields `=` entries); default true. */
  readonly resolve?: boolean;
  /** Ignore services published by this daemon (`-l`); default false. */
  readonly ignoreLocal?: boolean;
  /** Hard limit for the avahi-browse run; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** Result of one `avahi-browse -p -t` run. */
export interface BrowseResult {
  readonly entries: readonly AvahiBrowseEntry[];
  /** Resolved entries only (`=`). */
  readonly resolved: readonly AvahiBrowseEntry[];
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * One `avahi-browse -p -t -k [-r] TYPE` run (terminates after "all for now"
 * and after pending resolves; a run takes ~1 s). `-k` keeps types raw
 * (otherwise known types are printed as descriptions, e.g. "Web Site").
 */
export async function avahiBrowse(avahi: Avahi, type: string, opts: BrowseOptions = {}): Promise<BrowseResult> {
  const args = ['-p', '-t', '-k'];
  if (opts.resolve ?? true) args.push('-r');
  if (opts.ignoreLocal ?? false) args.push('-l');
  args.push(type);
  const r = await avahi.host.run('avahi-browse', args, { env: avahi.env, timeoutMs: opts.timeoutMs ?? 10_000 });
  const entries = parseAvahiBrowse(r.stdout);
  return {
    entries,
    resolved: entries.filter((e) => e.event === '='),
    stdout: r.stdout,
    stderr: r.stderr,
    code: r.code,
  };
}

/** Options for {@link browseUntil}. */
export interface BrowseUntilOptions extends BrowseOptions {
  /** Maximum number of browse runs; default 10. */
  readonly attempts?: number;
  /** Pause between runs; default 500 ms. */
  readonly pauseMs?: number;
}

/**
 * Browse repeatedly (bounded by `attempts`) until `accept` returns true for
 * the result's entries; returns the matching result or throws with the last
 * output.
 */
export async function browseUntil(
  avahi: Avahi,
  type: string,
  accept: (resolved: readonly AvahiBrowseEntry[], all: readonly AvahiBrowseEntry[]) => boolean,
  opts: BrowseUntilOptions = {},
): Promise<BrowseResult> {
  const attempts = opts.attempts ?? 10;
  let last: BrowseResult | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await avahiBrowse(avahi, type, opts);
    if (accept(last.resolved, last.entries)) return last;
    await sleep(opts.pauseMs ?? 500);
  }
  throw new Error(
    `avahi-browse ${type} in ${avahi.host.name}: condition not met after ${attempts} runs\n` +
      `last stdout:\n${last?.stdout ?? ''}\nlast stderr:\n${last?.stderr ?? ''}`,
  );
}

/** Service to publish with {@link avahiPublish}. */
export interface PublishSpec {
  /** Instance name (may contain spaces, dots, UTF-8). */
  readonly name: string;
  /** Service type, e.g. `_http._tcp`. */
  readonly type: string;
  readonly port: number;
  /** TXT strings (`key=value` or `key`). */
  readonly txt?: readonly string[];
  /** Subtypes, e.g. `_printer._sub._http._tcp`. */
  readonly subtypes?: readonly string[];
  /** Target host (`-H`), e.g. `other.local`. */
  readonly targetHost?: string;
  /** Wait for "Established under name"; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** A service kept registered by a running `avahi-publish -s`. */
export interface PublishedService {
  readonly process: LabProcess;
  /** Name avahi finally registered (differs from the requested one after a conflict rename). */
  readonly establishedName: string;
  /** Withdraw the service (stops avahi-publish; the daemon sends goodbyes). */
  stop(): Promise<void>;
}

/** Run `avahi-publish -s` in the daemon's host and wait until the service is established. */
export async function avahiPublish(avahi: Avahi, spec: PublishSpec): Promise<PublishedService> {
  const args = ['-s'];
  if (spec.targetHost !== undefined) args.push('-H', spec.targetHost);
  for (const s of spec.subtypes ?? []) args.push(`--subtype=${s}`);
  args.push(spec.name, spec.type, String(spec.port), ...(spec.txt ?? []));
  const proc = avahi.host.spawn('avahi-publish', args, { env: avahi.env, label: `avahi-publish@${avahi.host.name}` });
  try {
    const m = await proc.waitForOutput(/Established under name '(.*)'/, spec.timeoutMs ?? 10_000);
    return {
      process: proc,
      establishedName: m[1] ?? spec.name,
      stop: async () => {
        await proc.stop();
      },
    };
  } catch (e) {
    await proc.stop().catch(() => undefined);
    throw new Error(`${formatCommand('avahi-publish', args)} failed: ${(e as Error).message}`);
  }
}

/**
 * `avahi-resolve -n NAME` (with `-4`/`-6`): the address, or `undefined` when
 * not resolvable within the timeout (avahi-resolve itself gives up after ~5 s).
 */
export async function avahiResolveName(
  avahi: Avahi,
  name: string,
  family: 4 | 6 = 4,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  const r = await avahi.host.run('avahi-resolve', ['-n', `-${family}`, name], { env: avahi.env, timeoutMs });
  const line = r.stdout.split('\n').find((l) => l.trim().length > 0);
  const addr = line?.split(/\s+/)[1];
  return r.code === 0 && addr ? addr : undefined;
}
