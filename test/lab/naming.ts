/**
 * Names of lab resources (network namespaces, temp dirs, interfaces).
 *
 * Lab names look like `bst-<pid>-<tag>-<n>`: `pid` is the creating process
 * (so a later run can tell whether the creator is still alive), `tag` is a
 * random per-module-instance string (vitest `threads` workers share one pid,
 * and a recycled pid must not collide with stale leftovers of a dead process)
 * and `n` a counter. Namespaces are `<lab>-h<i>` (hosts) and `<lab>-l<k>`
 * (links/bridges); temp dirs are `$TMPDIR/<lab>-XXXXXX`.
 */
import { randomBytes } from 'node:crypto';

/** Prefix of every lab resource name. Short, so it is easy to spot in `ip netns list`. */
export const LAB_PREFIX = 'bst';

/** Maximum length of a Linux interface name (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

const instanceTag = randomBytes(3).toString('hex');
let labCounter = 0;

/** A fresh, process-unique lab name, e.g. `bst-4242-a1b2c3-1`. */
export function nextLabName(): string {
  labCounter += 1;
  return `${LAB_PREFIX}-${process.pid}-${instanceTag}-${labCounter}`;
}

const LAB_NAME_RE = new RegExp(`^(${LAB_PREFIX}-(\\d+)-[0-9a-f]+-\\d+)(?:-|$)`);

/**
 * Parse a resource name (namespace or temp-dir basename) created by some lab.
 * Returns the lab name and creator pid, or `undefined` for foreign names.
 */
export function parseLabResource(name: string): { lab: string; pid: number } | undefined {
  const m = LAB_NAME_RE.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { lab: m[1], pid: Number(m[2]) };
}

/** Whether a process with this pid exists (zombies count as alive). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM means it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Throw unless `name` is a valid interface name (1..15 chars, no `/`, `:` or whitespace). */
export function assertIfName(name: string): void {
  if (name.length === 0 || name.length > IFNAME_MAX || /[\s/:]/.test(name)) {
    throw new Error(`invalid interface name ${JSON.stringify(name)} (1..${IFNAME_MAX} chars, no '/', ':' or spaces)`);
  }
}

/** Throw unless `name` is a usable host or link label (short, `[a-z0-9]`, starting with a letter). */
export function assertLabel(name: string): void {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) {
    throw new Error(`invalid lab label ${JSON.stringify(name)} (use [a-z][a-z0-9]{0,11})`);
  }
}
