/**
 * A flood of distinct names cannot grow memory past the bounds (issue 15):
 * 1,000,000 distinct names go through the in-process stack — responses
 * announcing new `_http._tcp` instances (the cache, the browser and the
 * querier's interests), queries for new names from new sources (the
 * responder, the unicast reply budget, the source-check cache), TC queries
 * from new sources (delayed unicast replies, known-answer waits) — in a
 * child run with `--expose-gc` (fuzz/distinct-names-child.ts), the heap
 * measured after a full collection every 50,000 names.
 *
 * Bounds asserted: the cache never above DEFAULT_CACHE_MAX_RECORDS; the
 * heap at 1,000,000 names at most 1.25 × its value at 100,000 plus 8 MiB
 * (state that grows per name would add tens of MiB over 900,000 names);
 * RSS at 1,000,000 at most its value at 100,000 plus 96 MiB (RSS follows
 * the allocator, not only live objects: a loose bound).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_MAX_RECORDS } from '../../src/constants.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fuzz/distinct-names-child.ts');
const NAMES = 1_000_000;
const EVERY = 50_000;
/** A sample is 50,000 names, a few seconds: a minute without one is a hang. */
const STALL_MS = 60_000;

interface Sample {
  names: number;
  packets: number;
  heapMiB: number;
  rssMiB: number;
  cached: number;
  browsed: number;
  gc: boolean;
}

interface Done {
  names: number;
  packets: number;
  sources: number;
  wallMs: number;
  errors: Record<string, number>;
}

function runChild(): Promise<{ samples: Sample[]; done: Done | undefined; exit: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', CHILD, '--names', String(NAMES), '--every', String(EVERY)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const samples: Sample[] = [];
  let done: Done | undefined;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const stall = (): void => {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  };
  let timer = setTimeout(stall, STALL_MS);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { sample?: Sample; done?: Done };
    if (message.sample) {
      samples.push(message.sample);
      // Past the bound the cache only grows, and every query costs more with it: stop, the test has failed.
      if (message.sample.cached > DEFAULT_CACHE_MAX_RECORDS) stall();
      clearTimeout(timer);
      timer = setTimeout(stall, STALL_MS);
    }
    if (message.done) done = message.done;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ samples, done, exit: signal ? `signal ${signal}` : `exit ${String(code)}`, stderr });
    });
  });
}

describe('1,000,000 distinct names', () => {
  it('the cache stays within its bound and the heap stays flat from 100,000 names to 1,000,000', async () => {
    const run = await runChild();
    console.log(
      [
        `distinct names: ${run.done ? JSON.stringify(run.done) : `no end (${run.exit})`}`,
        'names      packets   heap MiB  RSS MiB  cached  browsed',
        ...run.samples.map(
          (s) =>
            `${String(s.names).padStart(9)} ${String(s.packets).padStart(9)} ${String(s.heapMiB).padStart(9)} ${String(s.rssMiB).padStart(8)} ${String(s.cached).padStart(7)} ${String(s.browsed).padStart(8)}`,
        ),
      ].join('\n'),
    );
    for (const s of run.samples)
      expect(s.cached, `records cached at ${s.names} names`).toBeLessThanOrEqual(DEFAULT_CACHE_MAX_RECORDS);
    expect(
      run.done,
      `the child did not finish (${run.exit}) after ${run.samples.at(-1)?.names ?? 0} names\n${run.stderr}`,
    ).toBeDefined();
    expect(run.samples.every((s) => s.gc)).toBe(true);
    const at = (names: number): Sample => run.samples.find((s) => s.names >= names) as Sample;
    const early = at(100_000);
    const last = at(NAMES);
    expect(last.heapMiB).toBeLessThanOrEqual(early.heapMiB * 1.25 + 8);
    expect(last.rssMiB).toBeLessThanOrEqual(early.rssMiB + 96);
  }, 300_000);
});
