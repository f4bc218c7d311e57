/**
 * The fuzz run in a process of its own, so that a hang of the stack — a
 * loop that never returns, which no timeout inside the process can
 * interrupt — is seen by the parent (supervise.ts) as a stall, with how far
 * the run got, instead of freezing the test runner or the bench.
 *
 * `node --import tsx fuzz-child.ts --packets N --seed S [--batch B] [--cache MAX]`:
 * writes one JSON line per batch (`{"progress":…}`) and a last one
 * (`{"report":…}`) to stdout.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './run.js';

const { values } = parseArgs({
  options: {
    packets: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    cache: { type: 'string' },
  },
});
const packets = Number(values.packets ?? 50_000);
const seed = Number(values.seed ?? 1);
const batchSize = Number(values.batch ?? 1_000);

const report = await runFuzz({
  packets,
  seed,
  batchSize,
  ...(values.cache !== undefined ? { cacheMaxRecords: Number(values.cache) } : {}),
  onBatch: (done, r) => {
    process.stdout.write(
      `${JSON.stringify({ progress: { packets: done, batches: r.batches, wallMs: r.wallMs, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), violations: r.violations.count, livenessFailures: r.liveness.failures } })}\n`,
    );
  },
});
process.stdout.write(`${JSON.stringify({ report })}\n`);
