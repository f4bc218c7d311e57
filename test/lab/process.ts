/**
 * Long-running processes started by the lab (daemons, browsers, publishers).
 *
 * A {@link LabProcess} accumulates its output, can wait for a line matching a
 * pattern (bounded), and is stopped by pid: SIGTERM, then SIGKILL after a
 * bounded grace period.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { MAX_CAPTURE_BYTES, formatCommand } from './exec.js';

/** How a process ended. */
export interface ExitInfo {
  /** Exit code, or `null` when ended by a signal (or when it never started). */
  readonly code: number | null;
  /** Terminating signal, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Spawn error (e.g. ENOENT), when the process could not be started. */
  readonly error?: Error;
}

/** Options for {@link LabProcess.start}. */
export interface SpawnOptions {
  /** Extra environment variables, merged over `process.env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. */
  readonly cwd?: string;
  /** Short label used in error messages (defaults to the command name). */
  readonly label?: string;
}

/** Default grace period between SIGTERM and SIGKILL in {@link LabProcess.stop}. */
export const DEFAULT_STOP_GRACE_MS = 3_000;

/** A tracked child process. Create with {@link LabProcess.start} (or `host.spawn`). */
export class LabProcess {
  /** Operating-system pid (0 if spawning failed). */
  readonly pid: number;
  /** Label for messages. */
  readonly label: string;
  /** Full command line, for messages. */
  readonly commandLine: string;
  /** Resolves (never rejects) once the process has exited and its pipes closed. */
  readonly exited: Promise<ExitInfo>;

  private readonly child: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private combined = '';
  private exitInfo: ExitInfo | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(cmd: string, args: readonly string[], opts: SpawnOptions) {
    this.commandLine = formatCommand(cmd, args);
    this.label = opts.label ?? cmd;
    this.child = spawn(cmd, [...args], {
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    });
    this.pid = this.child.pid ?? 0;
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (s: string) => this.append('out', s));
    this.child.stderr.on('data', (s: string) => this.append('err', s));
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.on('error', (error) => {
        // 'close' may not follow a spawn error; settle here too.
        if (this.pid === 0) this.settle({ code: null, signal: null, error }, resolve);
      });
      this.child.on('close', (code, signal) => this.settle({ code, signal }, resolve));
    });
  }

  /** Spawn `cmd args` and start tracking it. */
  static start(cmd: string, args: readonly string[], opts: SpawnOptions = {}): LabProcess {
    return new LabProcess(cmd, args, opts);
  }

  /** Standard output so far. */
  get stdout(): string {
    return this.out;
  }

  /** Standard error so far. */
  get stderr(): string {
    return this.err;
  }

  /** Interleaved stdout+stderr so far (in arrival order). */
  get output(): string {
    return this.combined;
  }

  /** Exit information once exited, else `undefined`. */
  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.exitInfo === undefined && this.pid !== 0;
  }

  /** Write to the process's standard input. */
  write(data: string): void {
    this.child.stdin.write(data);
  }

  /**
   * Wait until the combined output matches `pattern` (checked against all
   * output so far, then on every new chunk). Rejects on timeout or when the
   * process exits first, with the output tail in the message.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const already = this.combined.match(pattern);
    if (already) return Promise.resolve(already);
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      const finish = (fn: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        fn();
      };
      const check = (): void => {
        const m = this.combined.match(pattern);
        if (m) {
          finish(() => resolve(m));
        } else if (this.exitInfo) {
          const st = this.exitInfo;
          finish(() =>
            reject(
              new Error(
                `${this.label} exited (code ${String(st.code)}, signal ${String(st.signal)}` +
                  `${st.error ? `, ${st.error.message}` : ''}) before printing ${String(pattern)}\n` +
                  this.tail(),
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${String(pattern)} from ${this.label}\n${this.tail()}`,
              ),
            ),
          ),
        timeoutMs,
      );
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Stop the process: SIGTERM by pid, SIGKILL after `graceMs`, then wait
   * (bounded) for it to be gone. Idempotent; safe on exited processes.
   */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    if (await this.waitExit(graceMs)) return this.exited;
    this.signal('SIGKILL');
    if (await this.waitExit(5_000)) return this.exited;
    throw new Error(`${this.label} (pid ${this.pid}) did not exit after SIGKILL`);
  }

  /** Send a signal by pid if the process is still running. Returns whether it was sent. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.running) return false;
    try {
      process.kill(this.pid, sig);
      return true;
    } catch {
      return false;
    }
  }

  /** Synchronous SIGKILL, for exit-time cleanup. */
  killNow(): void {
    this.signal('SIGKILL');
  }

  /** Last part of the combined output, for error messages. */
  tail(chars = 3000): string {
    const t = this.combined.slice(-chars);
    return t ? `--- ${this.label} output (tail) ---\n${t}` : `--- ${this.label}: no output ---`;
  }

  private waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private append(stream: 'out' | 'err', s: string): void {
    if (this.combined.length < MAX_CAPTURE_BYTES) {
      this.combined += s;
      if (stream === 'out') this.out += s;
      else this.err += s;
    }
    for (const l of [...this.listeners]) l();
  }

  private settle(info: ExitInfo, resolve: (i: ExitInfo) => void): void {
    if (this.exitInfo) return;
    this.exitInfo = info;
    resolve(info);
    for (const l of [...this.listeners]) l();
  }
}
