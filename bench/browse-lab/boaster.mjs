/**
 * boaster side of the lab browse benchmark, run inside lab host h0 as
 * `node boaster.mjs '<json>'` with { n, ifname, maxMs, holdMs, address,
 * cacheMaxRecords?, noSrvTxtQueries?, earliestFirstQuery?, src? }: plain
 * Node on the built package (dist/), no TypeScript loader, as a user's
 * `npm install` runs it (`src`: the TypeScript sources instead, under
 * `node --import tsx`, to measure what is not built yet).
 *
 * Makes `new Mdns({ interfaces: [ifname], ipv6: false })`, calls
 * `browse('_bench._tcp')` and counts the distinct instances reported `up`
 * (resolved: SRV, TXT and an address), checking each against what the
 * publisher was given (port, TXT hwid, the publisher's IPv4 `address`).
 * Once all N are up (or maxMs passed) it takes its figures, stays `holdMs`
 * more (what it sends after it has everything is in the capture), takes
 * RSS again and prints one JSON line {kind:'done', ...}, then closes.
 * Times are epoch ms (the capture's clock). n = 0 with `type` set to a type
 * nobody publishes browses for maxMs and reports: a baseline (node, the
 * package and its sockets, nothing cached).
 *
 * Diagnostics only (not boaster as shipped; they patch the instance from
 * outside, to tell where time goes): `noSrvTxtQueries` makes the querier
 * ignore the browser's SRV and TXT interests (no continuous queries for
 * records that came as additionals); `earliestFirstQuery` makes the core's
 * random source return 0, so the first query goes at the 20 ms minimum of
 * RFC 6762 §5.2's 20–120 ms (it also pins every other jitter to its minimum).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SERVICE_TYPE, hwid, servicePort } from '../scale-lab/spec.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
// The built package, as shipped; `src` (a diagnostic, run with `node --import tsx`) takes the sources as they are now.
const { Mdns } = await import(cfg.src ? '../../src/index.ts' : '../../dist/index.js');
const importedAt = Date.now();
const processStartAt = Math.round(performance.timeOrigin);
const n = cfg.n;
const maxMs = Math.min(cfg.maxMs ?? 60_000, 900_000);
const holdMs = Math.min(cfg.holdMs ?? 0, 120_000);

const guard = setTimeout(
  () => {
    process.stdout.write(
      `${JSON.stringify({ kind: 'error', error: `ran past ${maxMs + holdMs + 30_000} ms` })}\n`,
      () => process.exit(4),
    );
  },
  maxMs + holdMs + 30_000,
);

function status(key) {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

function memory() {
  const mu = process.memoryUsage();
  return {
    rssKiB: status('VmRSS'),
    hwmKiB: status('VmHWM'),
    heapUsedKiB: Math.round(mu.heapUsed / 1024),
    heapTotalKiB: Math.round(mu.heapTotal / 1024),
    externalKiB: Math.round(mu.external / 1024),
  };
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const instRe = /^svc-(\d+)$/;

async function main() {
  const options = { interfaces: [cfg.ifname], ipv6: false };
  if (cfg.cacheMaxRecords) options.cache = { maxRecords: cfg.cacheMaxRecords };
  const mdns = new Mdns(options);
  if (cfg.noSrvTxtQueries) {
    const querier = mdns.querierInstance ?? mdns.querier; // private getter: made on first use
    const want = querier.want.bind(querier);
    querier.want = (w) => (w.type === 'SRV' || w.type === 'TXT' ? () => undefined : want(w));
  }
  if (cfg.earliestFirstQuery) mdns.core.random = () => 0;
  const errors = [];
  mdns.on('error', (e) => {
    if (errors.length < 20) errors.push(`${e.code ?? 'ERROR'}: ${e.message}`);
  });
  const up = new Set();
  const everUp = new Set();
  let ups = 0;
  let maxUpAtOnce = 0;
  let updates = 0;
  let downs = 0;
  const bad = [];
  const milestones = {};
  const marks = [1, Math.ceil(n / 10), Math.ceil(n / 2), Math.ceil((n * 9) / 10), n];
  let allUpAt = null;
  let firstUpAt = null;
  let resolveAll;
  const allUp = new Promise((r) => {
    resolveAll = r;
  });
  const check = (s) => {
    const m = instRe.exec(s.name);
    const i = m ? Number(m[1]) : -1;
    const wrong = [];
    if (i < 0 || i >= n) wrong.push('name');
    else {
      if (s.port !== servicePort(i)) wrong.push(`port ${s.port}`);
      if (s.txt?.hwid !== hwid(i)) wrong.push(`txt ${JSON.stringify(s.txt)}`);
    }
    if (cfg.address && !s.addresses.some((a) => a.address === cfg.address))
      wrong.push(`addresses ${s.addresses.map((a) => a.address).join(',')}`);
    if (wrong.length > 0 && bad.length < 10) bad.push(`${s.name}: ${wrong.join('; ')}`);
  };
  const cpu0 = cpu();
  const browseAt = Date.now();
  const browser = mdns.browse(cfg.type ?? SERVICE_TYPE);
  const browseReturnedAt = Date.now();
  browser.on('up', (s) => {
    ups += 1;
    check(s);
    up.add(s.fqdn);
    everUp.add(s.fqdn);
    if (up.size > maxUpAtOnce) maxUpAtOnce = up.size;
    const now = Date.now();
    firstUpAt ??= now;
    for (const k of marks) if (milestones[k] === undefined && everUp.size >= k) milestones[k] = now - browseAt;
    if (allUpAt === null && n > 0 && up.size >= n) {
      allUpAt = now;
      resolveAll();
    }
  });
  browser.on('update', () => {
    updates += 1;
  });
  browser.on('down', (s) => {
    downs += 1;
    up.delete(s.fqdn);
  });
  await Promise.race([allUp, sleep(maxMs)]);
  const doneAt = allUpAt ?? Date.now();
  const cpuToDone = cpu() - cpu0;
  const atDone = memory();
  const cache = mdns.core.cache;
  const cacheAtDone = { ...cache.stats };
  const questionsAtDone = mdns.querierInstance?.size ?? null;
  if (holdMs > 0) await sleep(holdMs);
  const atEnd = memory();
  const result = {
    kind: 'done',
    n,
    processStartAt,
    importedAt,
    browseAt,
    browseCallMs: browseReturnedAt - browseAt,
    firstUpAt,
    allUpAt,
    doneAt,
    found: everUp.size,
    upAtDone: allUpAt === null ? up.size : n,
    maxUpAtOnce,
    upAtEnd: up.size,
    ups,
    updates,
    downs,
    bad,
    milestones,
    cpuToDoneS: cpuToDone,
    cpuTotalS: cpu() - cpu0,
    memoryAtDone: atDone,
    memoryAtEnd: atEnd,
    cacheAtDone,
    cacheAtEnd: { ...cache.stats },
    cacheMaxRecords: cache.maxRecords,
    questionsAtDone,
    questionsAtEnd: mdns.querierInstance?.size ?? null,
    holdMs,
    errors,
  };
  browser.stop();
  const closing = mdns.close();
  await Promise.race([closing, sleep(5_000)]);
  clearTimeout(guard);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((e) => {
  process.stdout.write(
    `${JSON.stringify({ kind: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) })}\n`,
    () => process.exit(1),
  );
});
