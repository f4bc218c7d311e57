/**
 * The machine a benchmark ran on, as every results file describes it: CPU
 * model, kernel release (the figures mean little without them).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The CPU model from /proc/cpuinfo, else what Node reports. */
export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // fall through
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The kernel release (`uname -r`), else what Node reports. */
export function kernel(): string {
  try {
    return execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  } catch {
    return os.release();
  }
}

/** What every results file says of the machine. */
export interface MachineDescription {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly kernel: string;
  readonly node: string;
  readonly memoryGiB: number;
}

/** This machine, now. */
export function describeMachine(): MachineDescription {
  return {
    date: new Date().toISOString(),
    cpu: cpuModel(),
    cores: os.cpus().length,
    kernel: kernel(),
    node: process.version,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** The machine as the first line of a results file. */
export function machineLine(m: MachineDescription): string {
  return `${m.date} · ${m.cpu} × ${m.cores} · Linux ${m.kernel} · Node ${m.node} · ${m.memoryGiB} GiB`;
}
