/**
 * Leak prevention for lab resources.
 *
 * 1. Exit-time cleanup: live labs register a *synchronous* cleanup function;
 *    it runs on process `exit` and on SIGINT/SIGTERM/SIGHUP (best effort: a
 *    SIGKILLed vitest worker cannot clean up, hence 2.).
 * 2. Stale sweep: before a lab is created, namespaces and temp dirs named by
 *    a lab whose creator pid is dead are removed, after SIGKILLing the
 *    processes still inside those namespaces (`ip netns pids`). Only
 *    namespaces carrying our prefix are touched, and everything inside them
 *    was started by a lab, so this never kills foreign processes.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, runSyncQuiet } from './exec.js';
import { parseLabResource, pidAlive } from './naming.js';

type SyncCleanup = () => void;

const live = new Map<string, SyncCleanup>();
let hooksInstalled = false;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runAllSync(): void {
  for (const [key, fn] of [...live]) {
    live.delete(key);
    try {
      fn();
    } catch {
      // best effort
    }
  }
}

function onSignal(sig: NodeJS.Signals): void {
  runAllSync();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Restore default behaviour if nobody else handles the signal.
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', runAllSync);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/**
 * Register a synchronous best-effort cleanup for `key` (a lab name), run at
 * process exit or on a terminating signal unless unregistered first.
 */
export function registerExitCleanup(key: string, fn: SyncCleanup): void {
  installHooks();
  live.set(key, fn);
}

/** Remove the exit-time cleanup for `key` (after a normal destroy). */
export function unregisterExitCleanup(key: string): void {
  live.delete(key);
}

/** List all network namespace names (`ip netns list`, first column). */
export async function listNetns(): Promise<string[]> {
  const r = await runCommand('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  return parseNetnsList(r.stdout);
}

/** Parse `ip netns list` output ("name" or "name (id: N)" per line). */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.length > 0);
}

/** PIDs of processes inside namespace `ns` (empty when none or on error). */
export async function netnsPids(ns: string): Promise<number[]> {
  const r = await runCommand('ip', ['netns', 'pids', ns], { timeoutMs: 10_000 });
  return parsePids(r.stdout);
}

function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((p) => p !== process.pid);
}

/** Synchronous version of: SIGKILL everything in `ns`, then delete `ns`. For exit-time cleanup. */
export function killAndDeleteNetnsSync(ns: string): void {
  for (const pid of parsePids(runSyncQuiet('ip', ['netns', 'pids', ns]))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  runSyncQuiet('ip', ['netns', 'del', ns]);
}

/**
 * Remove leftovers of labs whose creating process is dead: their network
 * namespaces (killing processes inside first) and temp dirs. Returns the
 * names removed. Safe to run concurrently from parallel workers: resources
 * of live creators are never touched, and a failed delete is ignored.
 */
export async function sweepStaleLabs(): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await listNetns()) {
    const owner = parseLabResource(ns);
    if (!owner || pidAlive(owner.pid)) continue;
    for (const pid of await netnsPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await runCommand('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
    removed.push(ns);
  }
  const tmp = tmpdir();
  let entries: string[] = [];
  try {
    entries = readdirSync(tmp);
  } catch {
    entries = [];
  }
  for (const entry of entries) {
    const owner = parseLabResource(entry);
    if (!owner || pidAlive(owner.pid)) continue;
    try {
      rmSync(join(tmp, entry), { recursive: true, force: true });
      removed.push(join(tmp, entry));
    } catch {
      // ignore
    }
  }
  return removed;
}
