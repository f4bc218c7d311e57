/**
 * Can the network lab run here? And the vitest glue for "skip with a printed
 * reason, unless BOASTER_LAB=required, in which case fail".
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Interpreter used for python-zeroconf (the Debian package installs into the system Python). */
export const PYTHON = '/usr/bin/python3';

/** External tools the lab knows how to check. */
export type LabTool =
  | 'ip'
  | 'unshare'
  | 'sysctl'
  | 'avahi-daemon'
  | 'dbus-daemon'
  | 'avahi-browse'
  | 'avahi-publish'
  | 'avahi-resolve'
  | 'python-zeroconf'
  | 'dig'
  | 'tshark'
  | 'dnsmasq'
  | 'busybox'
  | 'chromium';

/** What {@link labUnavailableReason} checks when no list is given: the basics, avahi and zeroconf. */
export const DEFAULT_LAB_TOOLS: readonly LabTool[] = [
  'ip',
  'unshare',
  'sysctl',
  'avahi-daemon',
  'dbus-daemon',
  'avahi-browse',
  'avahi-publish',
  'python-zeroconf',
];

/** Tools needed by every lab (namespaces and bridges only). */
export const CORE_LAB_TOOLS: readonly LabTool[] = ['ip', 'sysctl'];

const EXTRA_PATH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...EXTRA_PATH].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

const cache = new Map<string, string | undefined>();

function checkTool(tool: LabTool): string | undefined {
  if (tool === 'python-zeroconf') {
    try {
      accessSync(PYTHON, constants.X_OK);
    } catch {
      return `${PYTHON} not found (apt-get install python3 python3-zeroconf)`;
    }
    const r = spawnSync(PYTHON, ['-c', 'import zeroconf'], { timeout: 15_000, encoding: 'utf8' });
    return r.status === 0
      ? undefined
      : `python zeroconf not importable by ${PYTHON} (apt-get install python3-zeroconf)`;
  }
  const pkg: Partial<Record<LabTool, string>> = {
    ip: 'iproute2',
    unshare: 'util-linux',
    sysctl: 'procps',
    'avahi-daemon': 'avahi-daemon',
    'dbus-daemon': 'dbus-daemon',
    'avahi-browse': 'avahi-utils',
    'avahi-publish': 'avahi-utils',
    'avahi-resolve': 'avahi-utils',
    dig: 'dnsutils',
    tshark: 'tshark',
    dnsmasq: 'dnsmasq-base',
    busybox: 'busybox',
    chromium: 'chromium',
  };
  return findExecutable(tool) ? undefined : `\`${tool}\` not found (apt-get install ${pkg[tool] ?? tool})`;
}

function checkPlatform(): string | undefined {
  if (process.platform !== 'linux') return `network lab needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'network lab needs root (network namespaces, veth, mounts)';
  }
  return undefined;
}

/**
 * Why the lab cannot run here, or `undefined` if it can. Checks Linux, root,
 * and the given tools (default {@link DEFAULT_LAB_TOOLS}; `ip` and `sysctl`
 * are always checked). Results are cached per process.
 */
export function labUnavailableReason(tools: readonly LabTool[] = DEFAULT_LAB_TOOLS): string | undefined {
  const platform = checkPlatform();
  if (platform) return platform;
  const reasons: string[] = [];
  for (const t of new Set<LabTool>([...CORE_LAB_TOOLS, ...tools])) {
    if (!cache.has(t)) cache.set(t, checkTool(t));
    const r = cache.get(t);
    if (r) reasons.push(r);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Whether env `BOASTER_LAB=required` (lab unavailability must fail the run). */
export function labRequired(): boolean {
  return process.env['BOASTER_LAB'] === 'required';
}

/** Whether env `BOASTER_LAB=off` (skip lab tests even where they could run). */
export function labDisabled(): boolean {
  return process.env['BOASTER_LAB'] === 'off';
}

/**
 * Decide what to do with a known unavailability `reason` (`undefined` = the
 * lab can run): returns the skip reason after printing it with
 * `console.warn`, or throws when `BOASTER_LAB=required`.
 */
export function gateOnReason(reason: string | undefined, what = 'network lab tests'): string | undefined {
  if (reason === undefined) return undefined;
  if (labRequired()) {
    throw new Error(`BOASTER_LAB=required but ${what} cannot run: ${reason}`);
  }
  console.warn(`[boaster lab] skipping ${what}: ${reason} (set BOASTER_LAB=required to make this fail)`);
  return reason;
}

/**
 * Gate for a lab test file. Returns the reason to skip (pass it to
 * `describe.skipIf(reason)`), or `undefined` when the lab can run.
 * When unavailable (or disabled with `BOASTER_LAB=off`) it prints the reason
 * with `console.warn`; when `BOASTER_LAB=required` it throws instead, at
 * collection time, so the test file fails.
 *
 * ```ts
 * const skip = labGate(['avahi-daemon', 'python-zeroconf'], 'avahi interop');
 * describe.skipIf(skip)('lab: ...', () => { ... });
 * ```
 */
export function labGate(tools: readonly LabTool[] = DEFAULT_LAB_TOOLS, what = 'network lab tests'): string | undefined {
  const reason = labDisabled() ? 'disabled by BOASTER_LAB=off' : labUnavailableReason(tools);
  return gateOnReason(reason, what);
}
