/**
 * Bounded one-shot command execution for the network lab.
 *
 * Every command has a hard timeout: on expiry it gets SIGTERM, then SIGKILL
 * after a short grace period, and the promise still settles.
 */
import { spawn, execFileSync } from 'node:child_process';

/** Outcome of a finished (or killed) command. */
export interface RunResult {
  /** Exit code, or `null` when the process was ended by a signal. */
  readonly code: number | null;
  /** Signal that ended the process, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Captured standard output (UTF-8). */
  readonly stdout: string;
  /** Captured standard error (UTF-8). */
  readonly stderr: string;
  /** `true` when the command hit its timeout and was killed. */
  readonly timedOut: boolean;
}

/** Options for {@link runCommand}. */
export interface RunOptions {
  /** Hard limit for the whole command; default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Extra environment variables, merged over `process.env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Data written to standard input (which is then closed). */
  readonly input?: string | Buffer;
  /** Working directory. */
  readonly cwd?: string;
}

/** Thrown by {@link runChecked} when a command fails or times out. */
export class CommandError extends Error {
  /** The result that caused the error. */
  readonly result: RunResult;
  /** The command line, for messages. */
  readonly commandLine: string;

  constructor(commandLine: string, result: RunResult) {
    const why = result.timedOut
      ? 'timed out'
      : result.code !== null
        ? `exited with code ${result.code}`
        : `was killed by ${result.signal ?? 'unknown signal'}`;
    const detail = (result.stderr.trim() || result.stdout.trim()).slice(-2000);
    super(`command ${why}: ${commandLine}${detail ? `\n${detail}` : ''}`);
    this.name = 'CommandError';
    this.result = result;
    this.commandLine = commandLine;
  }
}

/** Upper bound on captured output per stream, so runaway commands cannot exhaust memory. */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/** Grace period between SIGTERM and SIGKILL when a command times out. */
const KILL_GRACE_MS = 1_000;

/** Quote one argument for display (not for a shell). */
function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Render a command line for error messages and logs. */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(displayArg).join(' ');
}

/**
 * Run a command to completion (never throws for a non-zero exit; see
 * {@link runChecked}). Spawn failures (e.g. ENOENT) reject.
 */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < MAX_CAPTURE_BYTES) out.push(b);
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < MAX_CAPTURE_BYTES) err.push(b);
      errBytes += b.length;
    });
    // EPIPE when the command does not read its input is not an error for us.
    child.stdin.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();

    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);

    child.on('error', (e) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Like {@link runCommand}, but throws {@link CommandError} unless the exit code is 0. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await runCommand(cmd, args, opts);
  if (result.code !== 0 || result.timedOut) {
    throw new CommandError(formatCommand(cmd, args), result);
  }
  return result;
}

/** Run `ip ARGS...` (from the root namespace; use `-n NS` to target a namespace). Throws on failure. */
export async function ip(args: readonly string[], timeoutMs = 15_000): Promise<string> {
  return (await runChecked('ip', args, { timeoutMs })).stdout;
}

/**
 * Synchronous best-effort command for exit-time cleanup only (when the
 * event loop is no longer available). Never throws; returns stdout or ''.
 */
export function runSyncQuiet(cmd: string, args: readonly string[], timeoutMs = 5_000): string {
  try {
    return execFileSync(cmd, [...args], {
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
  } catch {
    return '';
  }
}
