/**
 * Issue 15, "flapping": the scenario shared by flap.lab.test.ts (a short
 * slice) and bench/flap.ts (the long run).
 *
 * Two lab hosts on one link. h0 runs child.ts: one `Mdns` publishing
 * SERVICES services on host `flaphost` and browsing `_flap._tcp`, with a
 * fast interface poll. h1 runs the same child as the peer (`flappeer`, one
 * service). The link is captured on the bridge (dumpcap) for the whole run.
 *
 * Steps: `cycles` link cycles of h0 (eth0 down until boaster notices, then
 * up) and `addressChanges` renumberings of h0 (`replaceIPv4` to another
 * TEST-NET-1 address), spread among them; the peer flaps too (its link every
 * fifth cycle, its address every second change). After each step:
 * - the changed host's boaster noticed it and announced every service again;
 * - h0's browser shows the peer's service with the peer's current addresses,
 *   and the peer's browser shows h0's services with h0's current addresses
 *   (not the old one: the goodbye was heard) — each within SETTLE_MS;
 * - h0's resources after a forced GC (RSS, heap, fds, handles) are sampled;
 * - and, from the capture afterwards (wire-checks.ts), the changed host
 *   probed (RFC 6762 §8.1) and announced (§8.3) its services with its current
 *   address, and after an address change sent a goodbye for the old address
 *   (§10.1) and never announced it again.
 * Error events are collected; expected are only the IPv6 link-local bind
 * failing while duplicate address detection runs after link-up (retried on
 * the next poll) and sends failing between a change and boaster noticing it
 * (see isExpectedError). Uncaught exceptions must be none. With `failFast`
 * (the test) the run stops at the first step whose live checks fail.
 */
import { startCapture } from '../../lab/capture.js';
import { readUdpDatagrams } from '../../lab/capture.js';
import type { Host } from '../../lab/host.js';
import type { Lab } from '../../lab/lab.js';
import { sleep } from '../../lab/wait.js';
import { instanceFqdn } from '../peer.js';
import { FlapProcess, type ChildLine, type Resources, type View } from './flap-process.js';
import { checkWindow, packetsFrom, type WireResult } from './wire-checks.js';

export const FLAP_TYPE = '_flap._tcp';
export const SERVICES = 3;
/** How long a step may take to show in both browsers. */
export const SETTLE_MS = 12_000;
/** How long boaster may take to notice a change (its poll is ~5 times faster). */
const NOTICE_MS = 5_000;

export interface FlapOptions {
  /** Link down/up cycles of h0. */
  readonly cycles: number;
  /** IPv4 renumberings of h0. */
  readonly addressChanges: number;
  /** The children's interface poll (ms); default 200. */
  readonly pollIntervalMs?: number;
  /** Stop after the first step whose live checks fail (a test: fail in seconds, not after every step's timeout). */
  readonly failFast?: boolean;
  /** Progress lines (the bench prints them). */
  readonly log?: (line: string) => void;
}

export type StepKind = 'link' | 'address';

/** One step and its checks. */
export interface StepResult {
  readonly index: number;
  readonly kind: StepKind;
  /** `h0` (boaster under test) or `h1` (the peer). */
  readonly host: string;
  readonly startedAt: number;
  /** From the step's start to both browsers right (or the timeout). */
  readonly durationMs: number;
  /** The changed host's IPv4 address after the step, and before it for an address change. */
  readonly address: string;
  readonly oldAddress?: string;
  /** Its boaster saw the change (interface events). */
  readonly noticed: boolean;
  /** Its boaster printed `announced` for every service after the change. */
  readonly reannounced: boolean;
  /** ms after the change until h0's browser showed the peer at its current addresses; null: not within SETTLE_MS. */
  readonly viewMs: number | null;
  /** The same for the peer's browser and h0's services. */
  readonly peerViewMs: number | null;
  /** What was on the wire (filled from the capture at the end). */
  wire?: WireResult;
  /** Error events of both children during the step, expected ones left out. */
  readonly errors: readonly string[];
  readonly expectedErrors: number;
  /** h0's resources after the step. */
  readonly sample: Resources;
  /** Every check passed (set at the end). */
  ok?: boolean;
}

export interface FlapReport {
  readonly options: { cycles: number; addressChanges: number; pollIntervalMs: number; services: number };
  readonly steps: readonly StepResult[];
  /** h0 once announced, before the first step; after the last; and after close(). */
  readonly start: Resources;
  readonly end: Resources;
  readonly closed: Resources;
  readonly peerStart: Resources;
  readonly peerEnd: Resources;
  readonly uncaught: readonly string[];
  readonly failedSteps: number;
  readonly wallMs: number;
  readonly capturedPackets: number;
}

interface Side {
  readonly host: Host;
  readonly child: FlapProcess;
  readonly fqdn: string;
  readonly services: readonly string[];
  address: string;
  readonly pool: (n: number) => string;
  changes: number;
  /** Every IPv4 address it had, and its IPv6 link-local: its packets' sources. */
  readonly sources: Set<string>;
}

/**
 * The error events a flap is expected to cause: the IPv6 link-local bind
 * failing while duplicate address detection runs after link-up (retried on
 * the next poll), and a send failing (ENETUNREACH, EADDRNOTAVAIL) on the
 * changed host between the change and boaster noticing it (`stale`: plus the
 * send callback's delay) — the failed send itself makes the transport look.
 */
function isExpectedError(l: ChildLine, stale: { from: number; to: number } | undefined): boolean {
  const message = String(l.message);
  if (l.code === 'ADDRESS_NOT_AVAILABLE' && /binding fe80:/.test(message)) return true;
  if ((l.code !== 'NETWORK_UNREACHABLE' && l.code !== 'ADDRESS_NOT_AVAILABLE') || !/while sending/.test(message))
    return false;
  // Repeats of a kind come later as one summary with their count (README, Robustness): those of earlier steps.
  if (/more like this/.test(message)) return true;
  return stale !== undefined && l.t >= stale.from && l.t <= stale.to + 500;
}

/** The addresses a browser on `viewer` should list for `side` now (a link-local one zoned with the viewer's interface). */
function expectedAddresses(side: Side, viewer: Side): string[] {
  return [side.address, `${side.host.ipv6}%${viewer.host.ifname}`].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === b[i]);
}

/** Whether `viewer`'s `view` shows every service of `side` at its current addresses. */
function shows(view: View, side: Side, viewer: Side): boolean {
  const want = expectedAddresses(side, viewer);
  return side.child.spec.services.every((spec) =>
    view.services.some((s) => s.name === spec.name && sameSet(s.addresses, want)),
  );
}

/** The ordered plan: h0's link cycles, its address changes spread among them, and the peer's flaps. */
export function plan(cycles: number, addressChanges: number): { kind: StepKind; peer: boolean }[] {
  const steps: { kind: StepKind; peer: boolean }[] = [];
  let changes = 0;
  const addressStep = (): void => {
    steps.push({ kind: 'address', peer: false });
    if (changes % 2 === 1) steps.push({ kind: 'address', peer: true });
    changes++;
  };
  for (let i = 0; i < cycles; i++) {
    steps.push({ kind: 'link', peer: false });
    if (i % 5 === 4) steps.push({ kind: 'link', peer: true });
    while (changes < Math.floor(((i + 1) * addressChanges) / cycles)) addressStep();
  }
  while (changes < addressChanges) addressStep();
  return steps;
}

async function startSide(host: Host, hostName: string, names: readonly string[], poll: number): Promise<Side> {
  const services = names.map((name, i) => ({ name, type: FLAP_TYPE, port: 7000 + i, txt: { i: String(i) } }));
  const child = await FlapProcess.start(host, { hostName, services, browse: FLAP_TYPE, pollIntervalMs: poll });
  const base = host.index === 0 ? 100 : 150;
  return {
    host,
    child,
    fqdn: `${hostName}.local`,
    services: names.map((n) => instanceFqdn(n, FLAP_TYPE)),
    address: host.ipv4,
    pool: (n) => `192.0.2.${base + (n % 50)}`,
    changes: 0,
    sources: new Set([host.ipv4, host.ipv6]),
  };
}

/** Run the scenario in `lab` (2 hosts, one link); the children are closed before it returns. */
export async function runFlapScenario(lab: Lab, opts: FlapOptions): Promise<FlapReport> {
  const began = Date.now();
  const poll = opts.pollIntervalMs ?? 200;
  const log = opts.log ?? ((): void => undefined);
  const capture = await startCapture(lab.link(0), { dir: lab.dir });
  const names = Array.from({ length: SERVICES }, (_, i) => `Flap Service ${i + 1}`);
  const [h0, h1] = await Promise.all([
    startSide(lab.host(0), 'flaphost', names, poll),
    startSide(lab.host(1), 'flappeer', ['Flap Peer'], poll),
  ]);
  const steps: StepResult[] = [];
  const windows: { from: number; to: number; side: Side; old?: string }[] = [];
  try {
    // Both browsers see the other side before the first step.
    const first = await settle(h0, h1, Date.now());
    if (first.viewMs === null || first.peerViewMs === null) throw new Error('the two hosts never saw each other');
    const start = await h0.child.view();
    const peerStart = await h1.child.view();
    for (const [index, step] of plan(opts.cycles, opts.addressChanges).entries()) {
      const side = step.peer ? h1 : h0;
      const startedAt = Date.now();
      const old = side.address;
      const { from, noticed, stale } =
        step.kind === 'link' ? await flapLink(side) : await renumber(side, side.pool(side.changes++));
      const reannounced = await waitBounded(() => side.child.announcedSince(from), SETTLE_MS);
      const { viewMs, peerViewMs } = await settle(h0, h1, from);
      const sample = await h0.child.view();
      const errors = [h0, h1].flatMap((s) =>
        s.child.unreadErrors().map((l) => ({ l, expected: isExpectedError(l, s === side ? stale : undefined) })),
      );
      const result: StepResult = {
        index,
        kind: step.kind,
        host: side.host.name,
        startedAt,
        durationMs: Date.now() - startedAt,
        address: side.address,
        ...(step.kind === 'address' ? { oldAddress: old } : {}),
        noticed,
        reannounced,
        viewMs,
        peerViewMs,
        errors: errors.filter((e) => !e.expected).map(({ l }) => `${String(l.code)} ${String(l.message)}`),
        expectedErrors: errors.filter((e) => e.expected).length,
        sample,
      };
      steps.push(result);
      windows.push({ from, to: Infinity, side, ...(step.kind === 'address' ? { old } : {}) });
      const prev = windows[windows.length - 2];
      if (prev) prev.to = startedAt;
      log(
        `step ${index} ${step.kind}@${side.host.name} ${result.durationMs} ms view ${String(viewMs)} peerView ${String(peerViewMs)} rss ${(sample.rss / 2 ** 20).toFixed(1)} MiB heap ${(sample.heapUsed / 2 ** 20).toFixed(2)} MiB fds ${sample.fds}`,
      );
      const live = noticed && reannounced && viewMs !== null && peerViewMs !== null;
      if (opts.failFast === true && !live) break;
    }
    const end = await h0.child.view();
    const peerEnd = await h1.child.view();
    await sleep(1_500); // the last step's second announcement
    const file = await capture.stop();
    const datagrams = await readUdpDatagrams(file);
    const packets = new Map([h0, h1].map((s) => [s, packetsFrom(datagrams, s.sources)]));
    for (const [i, step] of steps.entries()) {
      const w = windows[i];
      if (!w) continue;
      step.wire = checkWindow(packets.get(w.side) ?? [], w.side.fqdn, w.side.services, {
        from: w.from,
        to: w.to,
        address: step.address,
        ...(w.old !== undefined ? { oldAddress: w.old } : {}),
      });
      step.ok = stepOk(step, w.side.services.length);
    }
    const uncaught = [...h0.child.linesOf('uncaught'), ...h1.child.linesOf('uncaught')].map((l) => String(l.message));
    const closed = await h0.child.close();
    await h1.child.close();
    return {
      options: { cycles: opts.cycles, addressChanges: opts.addressChanges, pollIntervalMs: poll, services: SERVICES },
      steps,
      start,
      end,
      closed,
      peerStart,
      peerEnd,
      uncaught,
      failedSteps: steps.filter((s) => s.ok !== true).length,
      wallMs: Date.now() - began,
      capturedPackets: datagrams.length,
    };
  } finally {
    if (capture.process.running) await capture.stop();
    for (const side of [h0, h1]) if (side.child.process.running) await side.child.process.stop();
  }
}

/** Every check of a step. */
export function stepOk(step: StepResult, services: number): boolean {
  const w = step.wire;
  return (
    step.noticed &&
    step.reannounced &&
    step.viewMs !== null &&
    step.peerViewMs !== null &&
    step.errors.length === 0 &&
    w !== undefined &&
    w.probed.length === services &&
    w.announced.length === services &&
    w.addressAnnounced &&
    w.goodbye !== false &&
    w.staleAfterGoodbye === 0
  );
}

async function waitBounded(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

interface Change {
  /** When the change was made (the link came up). */
  readonly from: number;
  readonly noticed: boolean;
  /** From the change until boaster noticed it. */
  readonly stale: { from: number; to: number };
}

/** Take `side`'s link down until its boaster notices, then up; `from` is when it came up. */
async function flapLink(side: Side): Promise<Change> {
  const { host, child } = side;
  const downAt = Date.now();
  await host.setLinkUp(host.ifname, false);
  const notice = await child
    .waitFor((l) => l.kind === 'iface' && l.event === 'down', NOTICE_MS, downAt)
    .catch(() => undefined);
  const from = Date.now();
  await host.setLinkUp(host.ifname, true);
  const up = await child
    .waitFor((l) => l.kind === 'iface' && l.event === 'up', NOTICE_MS, from)
    .then(
      () => true,
      () => false,
    );
  return { from, noticed: notice !== undefined && up, stale: { from: downAt, to: notice?.t ?? from } };
}

/** Replace `side`'s IPv4 address with `next`; `from` is when it changed. */
async function renumber(side: Side, next: string): Promise<Change> {
  const from = Date.now();
  await side.host.replaceIPv4(side.host.ifname, `${next}/24`);
  side.address = next;
  side.sources.add(next);
  const notice = await side.child
    .waitFor((l) => l.kind === 'iface' && l.event === 'addressAdded' && l.address === next, NOTICE_MS, from)
    .catch(() => undefined);
  return { from, noticed: notice !== undefined, stale: { from, to: notice?.t ?? Date.now() } };
}

/** Poll both browsers until each shows the other side right, at most SETTLE_MS; times from `from`. */
async function settle(h0: Side, h1: Side, from: number): Promise<{ viewMs: number | null; peerViewMs: number | null }> {
  let viewMs: number | null = null;
  let peerViewMs: number | null = null;
  const deadline = from + SETTLE_MS;
  for (;;) {
    if (viewMs === null && shows(await h0.child.view(), h1, h0)) viewMs = Date.now() - from;
    if (peerViewMs === null && shows(await h1.child.view(), h0, h1)) peerViewMs = Date.now() - from;
    if ((viewMs !== null && peerViewMs !== null) || Date.now() > deadline) return { viewMs, peerViewMs };
    await sleep(200);
  }
}
