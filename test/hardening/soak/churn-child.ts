/**
 * Issue 15, churn soak: the process that runs inside lab host h0, as
 * `node --expose-gc --import tsx churn-child.ts '<json ChildConfig>'`.
 *
 * One `Mdns` (the churn side) publishes a pinned "Soak Anchor" and about
 * `target` services and churns them for `seconds` (churn-plan.ts: publish,
 * updateTxt, updatePort, rename, stop). A second `Mdns` on its own core
 * (a peer on the same host, README "One core per process") browses the
 * type for the whole run, starts a short-lived browser every few seconds
 * (iterated with `for await`, which must end on stop()), and calls
 * resolve(), query() and resolveHost() at a steady rate, some aborted.
 * Every promise is tracked (promise-tracker.ts); `unhandledRejection` and
 * `uncaughtException` are counted. Every `sampleMs` a `{kind:'sample'}`
 * line gives RSS, heap after `global.gc()`, open fds (/proc/self/fd),
 * active handles and the live, op, pending and browser-view counts. At the
 * end it drains what is pending, checks the browser's view equals the live
 * set, closes both sides (tracked too) and prints `{kind:'done'}`.
 */
import { readdirSync } from 'node:fs';
import { Mdns } from '../../../src/api/mdns.js';
import { BoasterError } from '../../../src/errors.js';
import { foundInstance } from '../../../src/querier/service-view.js';
import { escapeLabel, nameKey } from '../../../src/wire/name.js';
import { ChurnPlan, seededRandom } from './churn-plan.js';
import { PromiseTracker } from './promise-tracker.js';

/** What the driver passes (scenario.ts). */
export interface ChildConfig {
  readonly ifname: string;
  readonly seconds: number;
  readonly target: number;
  readonly opsPerSecond: number;
  readonly queriesPerSecond: number;
  readonly sampleMs: number;
  readonly seed: number;
  readonly type: string;
  readonly hostName: string;
  readonly anchor: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const faults = { unhandledRejection: 0, uncaughtException: 0, messages: [] as string[] };
const note = (what: string, e: unknown): void => {
  if (faults.messages.length < 20)
    faults.messages.push(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.stderr.write(`${what}: ${String(e)}\n`);
};
process.on('unhandledRejection', (e) => {
  faults.unhandledRejection++;
  note('unhandledRejection', e);
});
process.on('uncaughtException', (e) => {
  faults.uncaughtException++;
  note('uncaughtException', e);
});

const gc = (globalThis as { gc?: () => void }).gc;
const errorEvents: Record<string, number> = {};
const countError = (side: string) => (e: BoasterError) => {
  const key = `${side}:${e.code}`;
  errorEvents[key] = (errorEvents[key] ?? 0) + 1;
};
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const codeOf = (e: unknown): string => (e instanceof BoasterError ? e.code : 'untyped');
const fdCount = (): number => readdirSync('/proc/self/fd').length;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `word` arrives on stdin or `ms` passed; stdin is released either way. */
function waitForLine(word: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      process.stdin.off('data', onData);
      process.stdin.destroy();
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      if (chunk.toString('utf8').includes(word)) finish();
    };
    const timer = setTimeout(finish, ms);
    process.stdin.on('data', onData);
  });
}

async function main(): Promise<void> {
  const tracker = new PromiseTracker();
  const random = seededRandom(config.seed);
  const started = Date.now();
  const queries: Record<string, Record<string, number>> = {};
  const outcome = (kind: string, what: string): void => {
    const row = (queries[kind] ??= {});
    row[what] = (row[what] ?? 0) + 1;
  };
  // The peer first, so the churn side binds last and gets the unicast queries (README "Two boaster processes on one host").
  const peer = new Mdns({ interfaces: [config.ifname], hostName: `${config.hostName}-peer` });
  peer.on('error', countError('peer'));
  const browser = peer.browse(config.type);
  const view = { up: 0, down: 0, update: 0, found: 0, lost: 0 };
  /** PTRs naming each instance now (found minus lost), to tell "never found" from "found, not resolved". */
  const pointers = new Map<string, number>();
  browser.on('found', (f) => void pointers.set(f.name, (pointers.get(f.name) ?? 0) + 1));
  browser.on('lost', (f) => {
    const n = (pointers.get(f.name) ?? 1) - 1;
    if (n > 0) pointers.set(f.name, n);
    else pointers.delete(f.name);
  });
  browser.on('up', () => void view.up++);
  browser.on('down', () => void view.down++);
  browser.on('update', () => void view.update++);
  browser.on('found', () => void view.found++);
  browser.on('lost', () => void view.lost++);
  const types = peer.browseTypes();
  // Why PTRs of the type left the peer's cache (goodbye, expired, poof, …), and which instances are gone by POOF (§10.5) now.
  const ptrKey = nameKey(`${config.type}.local`);
  const ptrRemovals: Record<string, number> = {};
  const poofed = new Set<string>();
  peer.core.cache.on('removed', (e, reason) => {
    if (e.record.type !== 'PTR' || e.nameKey !== ptrKey) return;
    ptrRemovals[reason] = (ptrRemovals[reason] ?? 0) + 1;
    if (reason === 'poof') poofed.add(foundInstance(e).name);
  });
  peer.core.cache.on('added', (e) => {
    if (e.record.type === 'PTR' && e.nameKey === ptrKey) poofed.delete(foundInstance(e).name);
  });
  await tracker.track('peer start', peer.core.start());

  const mdns = new Mdns({ interfaces: [config.ifname], hostName: config.hostName });
  mdns.on('error', countError('churn'));
  await tracker.track(
    'publish',
    mdns.publish({ name: config.anchor, type: config.type, port: 4242, txt: { pinned: 'yes' } }),
  );
  const plan = new ChurnPlan(mdns, tracker, random, config.type, config.target);
  for (let i = 0; i < config.target; i++) plan.publish();
  await tracker.drain(20_000);
  print({ kind: 'ready', live: plan.liveCount, ms: Date.now() - started });

  const churnStart = Date.now();
  const sample = (phase: string): void => {
    // Forget POOF'd names no longer live (stopped or renamed since): the set stays within the live count.
    const liveNow = new Set([config.anchor, ...plan.liveNames()]);
    for (const name of poofed) if (!liveNow.has(name)) poofed.delete(name);
    gc?.();
    const mem = process.memoryUsage();
    print({
      kind: 'sample',
      phase,
      t: (Date.now() - churnStart) / 1000,
      rssKiB: Math.round(mem.rss / 1024),
      heapKiB: Math.round(mem.heapUsed / 1024),
      externalKiB: Math.round(mem.external / 1024),
      fds: fdCount(),
      handles: process.getActiveResourcesInfo().length,
      live: plan.liveCount,
      published: mdns.responder.services.length,
      ops: plan.total(),
      pending: tracker.pendingCount,
      view: browser.services.length,
      cacheRecords: peer.core.stats.cache?.records ?? 0,
      timers: { churn: mdns.core.scheduler.size, peer: peer.core.scheduler.size },
    });
  };

  const query = (): void => {
    const service = plan.pick();
    const r = random();
    if (r < 0.35 && service) {
      tracker.track('resolve', peer.resolve({ name: service.name, type: config.type }, { timeout: 3_000 })).then(
        () => outcome('resolve', 'found'),
        (e: unknown) => outcome('resolve', codeOf(e)),
      );
    } else if (r < 0.45 && service) {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), Math.floor(random() * 200));
      tracker.track('resolve', peer.resolve({ name: service.name, type: config.type }, { signal: abort.signal })).then(
        () => outcome('resolve (aborted)', 'found'),
        (e: unknown) => outcome('resolve (aborted)', codeOf(e)),
      );
    } else if (r < 0.65) {
      tracker.track('query', peer.query({ name: `${config.type}.local`, type: 'PTR', wait: 500 })).then(
        (records) => outcome('query PTR', records.length > 0 ? 'answered' : 'empty'),
        (e: unknown) => outcome('query PTR', codeOf(e)),
      );
    } else if (r < 0.85 && service) {
      tracker
        .track('query', peer.query({ name: service.fullName, type: 'SRV', wait: 300, unicastResponse: random() < 0.5 }))
        .then(
          (records) => outcome('query SRV', records.length > 0 ? 'answered' : 'empty'),
          (e: unknown) => outcome('query SRV', codeOf(e)),
        );
    } else {
      tracker.track('resolveHost', peer.resolveHost(`${config.hostName}.local`, { family: 4, timeout: 2_000 })).then(
        () => outcome('resolveHost', 'found'),
        (e: unknown) => outcome('resolveHost', codeOf(e)),
      );
    }
  };

  let cycles = 0;
  let cycleEvents = 0;
  const cycleBrowser = (): void => {
    cycles++;
    const short = peer.browse(config.type);
    const iterate = async (): Promise<number> => {
      let n = 0;
      for await (const event of short) if (event.type === 'up') n++;
      return n;
    };
    tracker.track('iterate', iterate()).then(
      (n) => void (cycleEvents += n),
      (e: unknown) => outcome('iterate', codeOf(e)),
    );
    setTimeout(() => short.stop(), 3_000);
  };

  sample('start');
  const timers = [
    setInterval(() => plan.step(), 1000 / config.opsPerSecond),
    setInterval(query, 1000 / config.queriesPerSecond),
    setInterval(() => sample('churn'), config.sampleMs),
    setInterval(cycleBrowser, 6_000),
  ];
  await sleep(config.seconds * 1000);
  for (const t of timers) clearInterval(t);
  const drained = await tracker.drain(15_000);
  // The browser's view settles about a second after the last goodbye (RFC 6762 §10.1).
  const expected = (): string[] => [config.anchor, ...plan.liveNames()].sort();
  const seen = (): string[] => browser.services.map((s) => s.name).sort();
  const viewDeadline = Date.now() + 8_000;
  while (JSON.stringify(seen()) !== JSON.stringify(expected()) && Date.now() < viewDeadline) await sleep(200);
  const want = new Set(expected());
  const have = new Set(seen());
  const viewCheck = {
    expected: want.size,
    seen: have.size,
    missing: [...want].filter((n) => !have.has(n)),
    extra: [...have].filter((n) => !want.has(n)),
  };
  const diagnosis = viewCheck.missing.slice(0, 5).map((name) => ({
    name,
    poofed: poofed.has(name),
    pointers: pointers.get(name) ?? 0,
    steps: plan.historyOf(name),
    cached: peer.core.transport.interfaces.flatMap((nic) =>
      peer.core.cache
        .atName(nic.name, nameKey(`${escapeLabel(name)}.${config.type}.local`))
        .map((e) => `${nic.name} ${e.record.type} ttl ${peer.core.cache.remainingTtl(e)}`),
    ),
  }));
  sample('end');
  // The driver reads the outside peer's view now, before close() sends every goodbye, then says "close".
  print({ kind: 'settled', names: expected() });
  await waitForLine('close', 20_000);
  const before = { fds: fdCount(), handles: process.getActiveResourcesInfo() };
  const liveAtEnd = plan.liveCount;
  types.stop();
  await Promise.allSettled([tracker.track('close', mdns.close()), tracker.track('close', peer.close())]);
  const closed = await tracker.drain(10_000);
  await sleep(100);
  print({
    kind: 'done',
    seconds: config.seconds,
    durationMs: Date.now() - churnStart,
    drainedBeforeClose: drained,
    settledAfterClose: closed,
    ops: plan.ops,
    opsTotal: plan.total(),
    liveAtEnd,
    viewCheck,
    diagnosis,
    ptrRemovals,
    poofedAtEnd: [...want].filter((n) => poofed.has(n)),
    view,
    shortBrowsers: { cycles, upEvents: cycleEvents },
    typesSeen: types.types,
    queries,
    errorEvents,
    faults,
    promises: tracker.report(),
    handles: { beforeClose: before.handles.length, afterClose: process.getActiveResourcesInfo() },
    fds: { beforeClose: before.fds, afterClose: fdCount() },
  });
  // Nothing of boaster's should keep the loop alive now; if something does, say so and exit anyway.
  setTimeout(() => {
    process.stderr.write(`still running 5 s after close: ${process.getActiveResourcesInfo().join(', ')}\n`);
    process.exit(3);
  }, 5_000).unref();
}

main().catch((error: unknown) => {
  print({ kind: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
