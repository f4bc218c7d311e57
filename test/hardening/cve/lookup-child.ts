/**
 * The querier side of CVE-2026-24401 in a lab host: one `Mdns` that, once
 * told "go" on stdin, browses a service type and runs `resolveHost()`,
 * `resolve()` and `query()` on names whose records refer to themselves
 * (cve.lab.test.ts has a peer send them), then prints one JSON line (`kind: 'done'`, test/lab/result-line.ts): how
 * each lookup settled, what the browser reported, the CPU time the lookups
 * took (process.cpuUsage, from "go" to the end: a lookup that spins shows
 * up here), the cache size and the error codes seen.
 *
 * usage: node --import tsx lookup-child.ts '{"timeout":2500,"type":"_loop._tcp","browseMs":3000}'
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mdns } from '../../../src/api/mdns.js';
import { BoasterError } from '../../../src/errors.js';

interface Plan {
  readonly timeout: number;
  readonly type: string;
  readonly browseMs: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const mdns = new Mdns();
const errors: string[] = [];
mdns.on('error', (e) => errors.push(e.code));

/** How a lookup ended: its value as text, or the error code. */
function outcome(lookup: Promise<unknown>): Promise<string> {
  return lookup.then(
    (value) =>
      Array.isArray(value)
        ? value
            .map((v: unknown) =>
              typeof v === 'object' && v !== null && 'name' in v && 'type' in v && 'data' in v
                ? `${String(v.name)} ${String(v.type)} ${String(v.data)}`
                : String(v),
            )
            .join(', ')
        : JSON.stringify(value),
    (error: unknown) => (error instanceof BoasterError ? error.code : `THROWN ${String(error)}`),
  );
}

await mdns.core.start();
process.stdout.write('READY\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
lines.close();

const started = Date.now();
const cpu = process.cpuUsage();
const found: string[] = [];
const up: string[] = [];
const browser = mdns.browse(plan.type);
browser.on('found', (f) => found.push(f.fqdn));
browser.on('up', (s) => up.push(s.fqdn));
const { timeout } = plan;
const [loop, ping, self, good, cname, pingA] = await Promise.all([
  outcome(mdns.resolveHost('loop.local', { timeout })),
  outcome(mdns.resolveHost('ping.local', { timeout })),
  outcome(mdns.resolve(`Self.${plan.type}.local`, { timeout })),
  outcome(mdns.resolveHost('good.local', { timeout })),
  outcome(mdns.query({ name: 'loop.local', type: 'CNAME', wait: 1000 })),
  outcome(mdns.query({ name: 'ping.local', type: 'A', wait: 1000 })),
]);
const settledMs = Date.now() - started;
await sleep(Math.max(0, plan.browseMs - settledMs));
browser.stop();
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({
    kind: 'done',
    lookups: { loop, ping, self, good, cname, pingA },
    settledMs,
    elapsedMs: Date.now() - started,
    cpuMs: Math.round((used.user + used.system) / 1000),
    found,
    up,
    cacheRecords: mdns.core.cache.stats.records,
    errors,
  })}\n`,
);
await mdns.close();
