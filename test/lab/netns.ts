/**
 * One network namespace owned by a lab: create, run commands inside it,
 * spawn tracked processes inside it, and tear it down (processes first).
 */
import { CommandError, formatCommand, ip, runCommand, type RunOptions, type RunResult } from './exec.js';
import { killAndDeleteNetnsSync, netnsPids } from './cleanup.js';
import { LabProcess, type SpawnOptions } from './process.js';
import { sleep } from './wait.js';

/** Grace period given to tracked processes on namespace teardown. */
const TEARDOWN_GRACE_MS = 2_000;

/** A network namespace created by the lab. */
export class Netns {
  /** Namespace name as shown by `ip netns list`. */
  readonly name: string;
  private readonly procs = new Set<LabProcess>();
  private deleted = false;

  private constructor(name: string) {
    this.name = name;
  }

  /** `ip netns add NAME` and bring `lo` up. */
  static async create(name: string): Promise<Netns> {
    await ip(['netns', 'add', name]);
    const ns = new Netns(name);
    try {
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (e) {
      await ns.destroy();
      throw e;
    }
    return ns;
  }

  /** Processes spawned in this namespace and not yet reaped from the list. */
  get processes(): readonly LabProcess[] {
    return [...this.procs];
  }

  /** `ip netns exec NS cmd args...` to completion (bounded by `timeoutMs`, default 30 s). */
  run(cmd: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    this.assertAlive();
    return runCommand('ip', ['netns', 'exec', this.name, cmd, ...args], opts);
  }

  /** Like {@link run} but throws {@link CommandError} on non-zero exit or timeout. */
  async runChecked(cmd: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.run(cmd, args, opts);
    if (r.code !== 0 || r.timedOut) {
      throw new CommandError(`[${this.name}] ${formatCommand(cmd, args)}`, r);
    }
    return r;
  }

  /**
   * Start a tracked long-running process inside the namespace. `ip netns
   * exec` execs the command directly (no fork), so `pid` is the command's own
   * pid and signals reach it.
   */
  spawn(cmd: string, args: readonly string[] = [], opts: SpawnOptions = {}): LabProcess {
    this.assertAlive();
    const p = LabProcess.start('ip', ['netns', 'exec', this.name, cmd, ...args], {
      ...opts,
      label: opts.label ?? `${cmd}@${this.name}`,
    });
    this.procs.add(p);
    // Forget exited processes so long tests do not accumulate them.
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** Stop every tracked process (SIGTERM, then SIGKILL after `graceMs`), in parallel. */
  async stopAll(graceMs = TEARDOWN_GRACE_MS): Promise<void> {
    await Promise.allSettled([...this.procs].map((p) => p.stop(graceMs)));
  }

  /**
   * Tear down: stop tracked processes gracefully, SIGKILL anything else still
   * inside the namespace (all of it was started by us), then delete it.
   * Idempotent. Never throws.
   */
  async destroy(graceMs = TEARDOWN_GRACE_MS): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    await this.stopAll(graceMs);
    // Bounded: a few rounds of "kill what is left", then delete regardless.
    for (let round = 0; round < 5; round++) {
      const pids = await netnsPids(this.name).catch(() => []);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await sleep(100);
    }
    await runCommand('ip', ['netns', 'del', this.name], { timeoutMs: 10_000 }).catch(() => undefined);
  }

  /** Synchronous best-effort teardown for process-exit handlers. */
  destroySync(): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const p of this.procs) p.killNow();
    killAndDeleteNetnsSync(this.name);
  }

  /** Whether {@link destroy} has been called. */
  get isDestroyed(): boolean {
    return this.deleted;
  }

  private assertAlive(): void {
    if (this.deleted) throw new Error(`namespace ${this.name} was destroyed`);
  }
}
