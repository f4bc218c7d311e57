/**
 * CPU of the main thread for the offline benchmarks (bench/scale, bench/browse).
 */
import { existsSync, openSync, readSync } from 'node:fs';

/**
 * The main thread's CPU time in ns, from Linux schedstat; elsewhere wall time
 * stands in. The kernel brings a running thread's figure up to date only when
 * it is switched out (or at a tick), so the thread first sleeps 50 µs
 * (Atomics.wait): the reading is then exact to a few µs, off-CPU time aside.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const schedstat = existsSync(SCHEDSTAT) ? openSync(SCHEDSTAT, 'r') : undefined;
const statBuffer = Buffer.alloc(128);
const nap = new Int32Array(new SharedArrayBuffer(4));
export const mainThreadSource =
  schedstat === undefined ? 'wall time (no schedstat)' : 'schedstat, read after a 50 µs sleep';
export function mainThreadNs(): number {
  if (schedstat === undefined) return Number(process.hrtime.bigint());
  Atomics.wait(nap, 0, 0, 0.05);
  const bytes = readSync(schedstat, statBuffer, 0, statBuffer.length, 0);
  return Number(statBuffer.toString('latin1', 0, bytes).split(' ')[0]);
}
