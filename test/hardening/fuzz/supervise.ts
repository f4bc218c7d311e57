/**
 * Runs fuzz-child.ts and watches it: its progress lines as they come, its
 * report at the end, and a stall — no batch finished for `stallMs` — ends
 * it (by its pid) and is reported as a hang with the last progress, since
 * a stack that stops handling packets fails every invariant at once.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FuzzReport } from './run.js';

/** One progress line of the child. */
export interface FuzzProgress {
  packets: number;
  batches: number;
  wallMs: number;
  rssMiB: number;
  heapMiB: number;
  violations: number;
  livenessFailures: number;
}

/** How a supervised run ended. */
export type SupervisedRun =
  | { report: FuzzReport; hung?: undefined; stderr: string }
  | { report?: undefined; hung: { stalledMs: number; last: FuzzProgress | undefined; exit: string }; stderr: string };

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-child.ts');

/** Run `packets` packets with `seed` in a child; a stall of `stallMs` ends it as a hang. */
export function superviseFuzz(
  options: { packets: number; seed: number; batchSize?: number; stallMs: number },
  onProgress?: (p: FuzzProgress) => void,
): Promise<SupervisedRun> {
  const args = ['--import', 'tsx', CHILD, '--packets', String(options.packets), '--seed', String(options.seed)];
  if (options.batchSize !== undefined) args.push('--batch', String(options.batchSize));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  let last: FuzzProgress | undefined;
  let report: FuzzReport | undefined;
  let stalled = false;
  let timer = setTimeout(stall, options.stallMs);
  function stall(): void {
    stalled = true;
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { progress?: FuzzProgress; report?: FuzzReport };
    if (message.progress) {
      last = message.progress;
      clearTimeout(timer);
      timer = setTimeout(stall, options.stallMs);
      onProgress?.(message.progress);
    }
    if (message.report) report = message.report;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (report && !stalled) return resolve({ report, stderr });
      resolve({
        hung: {
          stalledMs: stalled ? options.stallMs : 0,
          last,
          exit: signal ? `signal ${signal}` : `exit ${String(code)}`,
        },
        stderr,
      });
    });
  });
}
