/** When a process started, from /proc: the lab benchmarks' time origin for a responder. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicks = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Epoch ms at which `pid` was started (field 22 of /proc/<pid>/stat against /proc/uptime). */
export function processStartMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - uptime * 1000 + (Number(fields[19]) / clockTicks) * 1000;
}
