/**
 * The comparison benchmark's table and targets: every figure with each
 * peer's value and boaster's ratio to it (boaster ÷ peer: below 1 is
 * boaster ahead for times, memory and packets; above 1 for rates), and each
 * target of issue 14 judged met or missed with the margin.
 */
import type { IdleResult, MemoryResult, QuerierResults, SpeedResult } from './querier-lab.js';
import type { ResponderResult } from './responder-lab.js';
import { QUERIERS, RESPONDERS, type QuerierImpl, type ResponderImpl } from './peers.js';

export interface Header {
  readonly date: string;
  readonly command: string;
  readonly machine: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly quick: boolean;
  readonly elapsedS: number;
  readonly n: number;
}

export interface Target {
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
}

type Cell = number | null | undefined;
const fmt = (v: Cell, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : (Object.is(Math.round(v * 10 ** digits), -0) ? 0 : v).toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });

export function median(values: readonly (number | null)[]): number | null {
  const s = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface Row<I extends string> {
  readonly label: string;
  readonly digits?: number;
  /** Print boaster's ratio to each peer (default true; off where a value near 0 makes it meaningless). */
  readonly ratio?: boolean;
  readonly value: (impl: I) => Cell;
}

function table<I extends string>(impls: readonly I[], rows: readonly Row<I>[], own: I): string[] {
  const lines = [`| figure | ${impls.join(' | ')} |`, `|---|${impls.map(() => '---:').join('|')}|`];
  for (const row of rows) {
    const mine = row.value(own);
    const cells = impls.map((impl) => {
      const v = row.value(impl);
      const text = fmt(v, row.digits);
      if (
        row.ratio === false ||
        impl === own ||
        typeof v !== 'number' ||
        typeof mine !== 'number' ||
        v <= 0 ||
        !Number.isFinite(mine)
      )
        return text;
      return `${text} (${(mine / v).toFixed(2)}×)`;
    });
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

const probesPerRfc = (r: ResponderResult): boolean => r.big.probeRounds >= 3 && r.big.probeSpanMs >= 500;

function responderRows(results: readonly ResponderResult[], n: number): Row<ResponderImpl>[] {
  const by = (impl: ResponderImpl): ResponderResult | undefined => results.find((r) => r.impl === impl);
  const ptr =
    (path: 'quEphemeral' | 'legacy' | 'qu5353', what: 'instances' | 'packets' | 'maxBytes') => (i: ResponderImpl) =>
      by(i)?.big.ptr[path][what];
  return [
    {
      label: 'time to visible p50 (ms; spawn → first SRV announcement, N = 1)',
      value: (i) => median(by(i)?.visibleMs ?? []),
    },
    { label: 'spawn → publish call (ms; runtime start-up, N = 1)', value: (i) => median(by(i)?.publishN1Ms ?? []) },
    { label: 'spawn → ready (ms; the API says published, N = 1)', value: (i) => median(by(i)?.readyN1Ms ?? []) },
    { label: 'legacy unicast SRV p50 (ms)', digits: 3, value: (i) => by(i)?.legacySeq.p50Ms },
    { label: 'legacy unicast SRV p99 (ms)', digits: 3, value: (i) => by(i)?.legacySeq.p99Ms },
    {
      label: 'Node floor (bare socket, canned SRV): legacy p50 (ms)',
      digits: 3,
      ratio: false,
      value: (i) => by(i)?.floor?.legacySeq.p50Ms,
    },
    { label: 'legacy unicast answered (of sent)', value: (i) => by(i)?.legacySeq.answered },
    { label: 'legacy answered q/s, 32 outstanding, unique ids', value: (i) => by(i)?.rateUnique.perSecond },
    { label: 'legacy answered q/s, 32 outstanding, random ids', value: (i) => by(i)?.rateRandom.perSecond },
    { label: 'dig clean, TTL ≤ 10 (1 = yes)', value: (i) => (by(i) ? Number(by(i)?.dig.clean) : null) },
    { label: 'dig: largest TTL (s)', value: (i) => by(i)?.dig.maxTtl },
    { label: `QM SRV p50 (ms; N = ${fmt(n)}, distinct instances)`, digits: 3, value: (i) => by(i)?.big.qm.p50Ms },
    {
      label: 'Node floor (bare socket, canned SRV): QM p50 (ms)',
      digits: 3,
      ratio: false,
      value: (i) => by(i)?.floor?.qm.p50Ms,
    },
    { label: 'QM SRV unanswered', value: (i) => by(i)?.big.qm.timeouts },
    { label: 'RSS N = 1 (KiB; avahi: the daemon)', value: (i) => by(i)?.rssN1KiB },
    { label: `RSS N = ${fmt(n)} (KiB)`, value: (i) => by(i)?.big.rssKiB },
    { label: `RSS N = ${fmt(n)} after the queries (KiB)`, value: (i) => by(i)?.big.rssAfterKiB },
    { label: `N = ${fmt(n)}: spawn → ready (ms)`, value: (i) => by(i)?.big.readyMs },
    { label: `N = ${fmt(n)}: spawn → all SRVs announced (ms)`, value: (i) => by(i)?.big.allAnnouncedMs },
    { label: `N = ${fmt(n)}: SRVs announced`, value: (i) => by(i)?.big.srvsSeen },
    { label: `N = ${fmt(n)}: probe rounds (RFC 6762 §8.1: 3, 250 ms apart)`, value: (i) => by(i)?.big.probeRounds },
    {
      label: `N = ${fmt(n)}: startup packets (probes + announcements)`,
      value: (i) => (by(i) ? (by(i)?.big.probePackets ?? 0) + (by(i)?.big.announcePackets ?? 0) : null),
    },
    { label: 'PTR, QU from an ephemeral port: instances', value: ptr('quEphemeral', 'instances') },
    { label: 'PTR, QU from an ephemeral port: packets', value: ptr('quEphemeral', 'packets') },
    { label: 'PTR, legacy: instances', value: ptr('legacy', 'instances') },
    { label: 'PTR, legacy: packets', value: ptr('legacy', 'packets') },
    { label: 'PTR, QU from 5353: instances', value: ptr('qu5353', 'instances') },
    { label: 'PTR, QU from 5353: packets', value: ptr('qu5353', 'packets') },
    {
      label: 'PTR: largest packet (B, any path)',
      value: (i) =>
        Math.max(...(['quEphemeral', 'legacy', 'qu5353'] as const).map((p) => by(i)?.big.ptr[p].maxBytes ?? 0)) || null,
    },
    {
      label: 'idle: packets per minute',
      digits: 1,
      value: (i) => perMinute(by(i)?.big.idle.packets, by(i)?.big.idle.seconds),
    },
    {
      label: 'idle: CPU s per minute',
      digits: 3,
      value: (i) => perMinute(by(i)?.big.idle.cpuSeconds, by(i)?.big.idle.seconds),
    },
    { label: 'SIGTERM → exit (ms)', value: (i) => by(i)?.big.goodbye.exitMs },
    { label: 'SIGTERM: SRVs given a TTL-0 goodbye', value: (i) => by(i)?.big.goodbye.srvGoodbyes },
    { label: 'SIGTERM: goodbye packets', value: (i) => by(i)?.big.goodbye.packets },
  ];
}

function perMinute(v: Cell, seconds: Cell): number | null {
  return typeof v === 'number' && typeof seconds === 'number' && seconds > 0 ? (v * 60) / seconds : null;
}

function querierRows(q: QuerierResults): Row<QuerierImpl>[] {
  const rows: Row<QuerierImpl>[] = [];
  const ns = [...new Set(q.speed.map((s) => s.n))].sort((a, b) => a - b);
  const speed = (impl: QuerierImpl, n: number): SpeedResult | undefined =>
    q.speed.find((s) => s.impl === impl && s.n === n);
  for (const n of ns) {
    for (const k of [1, 100, 1_000].filter((x) => x <= n)) {
      if (k === n || k === 1)
        rows.push({ label: `N = ${fmt(n)}: ${fmt(k)} found (ms)`, value: (i) => speed(i, n)?.foundMs[String(k)] });
      rows.push({
        label: `N = ${fmt(n)}: ${fmt(k)} found and resolved (ms)`,
        value: (i) => speed(i, n)?.resolvedMs[String(k)],
      });
    }
    rows.push({ label: `N = ${fmt(n)}: resolved correctly (of ${fmt(n)})`, value: (i) => correct(speed(i, n)) });
    rows.push({ label: `N = ${fmt(n)}: packets sent to get there`, value: (i) => speed(i, n)?.sent.packets });
    rows.push({ label: `N = ${fmt(n)}: bytes sent to get there`, value: (i) => speed(i, n)?.sent.bytes });
  }
  const idle = (impl: QuerierImpl): IdleResult | undefined => q.idle.find((s) => s.impl === impl);
  const ref = q.idle[0];
  if (ref) {
    const w = `${fmt(ref.seconds)} s idle, ${fmt(ref.n)} in view`;
    rows.push({ label: `${w}: packets sent`, value: (i) => idle(i)?.packets });
    rows.push({ label: `${w}: bytes sent`, value: (i) => idle(i)?.bytes });
    rows.push({ label: `${w}: PTR queries`, value: (i) => idle(i)?.ptrPackets });
    rows.push({ label: `${w}: PTR queries §5.2's doubling allows`, value: (i) => idle(i)?.ptrAllowed });
    rows.push({ label: `${w}: other packets (cache maintenance)`, value: (i) => idle(i)?.otherPackets });
    rows.push({
      label: 'goodbye on the wire → reported gone (ms; RFC 6762 §10.1 keeps the record 1 s)',
      ratio: false,
      value: (i) => idle(i)?.goneMs,
    });
  }
  const mem = (impl: QuerierImpl): MemoryResult | undefined => q.memory.find((s) => s.impl === impl);
  const m = q.memory[0];
  if (m) {
    rows.push({
      label: `${fmt(m.n)} services (~${fmt(m.n * 3 + 1)} records) cached: RSS (KiB)`,
      value: (i) => mem(i)?.rssKiB,
    });
    rows.push({ label: `${fmt(m.n)} services: resolved`, value: (i) => mem(i)?.resolved });
    rows.push({
      label: `${fmt(m.n)} services: all resolved (ms; beside the idle labs)`,
      value: (i) => mem(i)?.resolvedMs,
    });
  }
  return rows;
}

const correct = (s: SpeedResult | undefined): number | null => (s ? s.resolved : null);

function judge(target: string, mine: Cell, limit: Cell, ok: (a: number, b: number) => boolean, unit: string): Target {
  if (typeof mine !== 'number' || typeof limit !== 'number')
    return { target, met: null, detail: `not measured (boaster ${fmt(mine, 3)}, limit ${fmt(limit, 3)})` };
  const met = ok(mine, limit);
  return {
    target,
    met,
    detail: `boaster ${fmt(mine, 3)} ${unit} against ${fmt(limit, 3)} ${unit}${met ? '' : ` — missed by ${fmt(Math.abs(mine - limit), 3)} ${unit}`}`,
  };
}

export function targets(responders: readonly ResponderResult[], q: QuerierResults | null, n: number): Target[] {
  const by = (impl: ResponderImpl): ResponderResult | undefined => responders.find((r) => r.impl === impl);
  const b = by('boaster');
  const out: Target[] = [];
  if (b) {
    const le = (a: number, c: number): boolean => a <= c;
    const ge = (a: number, c: number): boolean => a >= c;
    out.push(judge('time to visible ≤ avahi’s', median(b.visibleMs), median(by('avahi')?.visibleMs ?? []), le, 'ms'));
    const startup = median(b.publishN1Ms);
    const floor = startup === null ? null : startup + 750 + 250;
    out.push(
      judge(
        'time to visible within 10 % of the RFC floor (start-up + 0–250 ms + 3 × 250 ms)',
        median(b.visibleMs),
        floor === null ? null : floor * 1.1,
        le,
        'ms',
      ),
    );
    const avahiP50 = by('avahi')?.legacySeq.p50Ms;
    const floorNote = (v: Cell): string => (typeof v === 'number' ? ` (a bare Node socket: ${fmt(v, 3)} ms)` : '');
    const legacy = judge(
      'legacy unicast p50 ≤ 1.2 × avahi’s',
      b.legacySeq.p50Ms,
      typeof avahiP50 === 'number' ? avahiP50 * 1.2 : null,
      le,
      'ms',
    );
    out.push({ ...legacy, detail: `${legacy.detail}${floorNote(b.floor?.legacySeq.p50Ms)}` });
    out.push(
      judge(
        'answered q/s (unique ids) ≥ python-zeroconf’s',
        b.rateUnique.perSecond,
        by('python-zeroconf')?.rateUnique.perSecond,
        ge,
        'q/s',
      ),
    );
    out.push(
      judge(
        'answered q/s (random ids) ≥ python-zeroconf’s',
        b.rateRandom.perSecond,
        by('python-zeroconf')?.rateRandom.perSecond,
        ge,
        'q/s',
      ),
    );
    out.push({
      target: 'every reply clean in dig',
      met: b.dig.clean,
      detail: `${b.dig.status ?? 'no status'}, largest TTL ${fmt(b.dig.maxTtl)} s${b.dig.warnings.length ? `, ${b.dig.warnings.join('; ')}` : ''}`,
    });
    const qm = judge('QM unique-record p50 ≤ avahi’s', b.big.qm.p50Ms, by('avahi')?.big.qm.p50Ms, le, 'ms');
    out.push({ ...qm, detail: `${qm.detail}${floorNote(b.floor?.qm.p50Ms)}` });
    const rfcPeers = responders.filter((r) => r.impl !== 'boaster' && probesPerRfc(r));
    const peerBest = Math.min(
      ...rfcPeers.map((r) => (r.big.srvsSeen >= n ? (r.big.allAnnouncedMs ?? Infinity) : Infinity)),
    );
    out.push(
      judge(
        `N = ${fmt(n)} all announced sooner than every RFC-probing peer (${rfcPeers.map((r) => r.impl).join(', ') || 'none'})`,
        b.big.srvsSeen >= n ? b.big.allAnnouncedMs : null,
        Number.isFinite(peerBest) ? peerBest : null,
        (a, c) => a < c,
        'ms',
      ),
    );
    out.push(
      judge(
        `RSS at N = ${fmt(n)} ≤ RSS at N = 1 + 10 MB`,
        b.big.rssKiB,
        typeof b.rssN1KiB === 'number' ? b.rssN1KiB + 10 * 1024 : null,
        le,
        'KiB',
      ),
    );
    const zc = by('python-zeroconf')?.big.ptr.qu5353;
    out.push({
      target: `the PTR answer carries all ${fmt(n)} in no more packets than python-zeroconf’s (QU from 5353)`,
      met: zc ? b.big.ptr.qu5353.instances >= n && b.big.ptr.qu5353.packets <= zc.packets : null,
      detail: `boaster ${fmt(b.big.ptr.qu5353.instances)} instances in ${fmt(b.big.ptr.qu5353.packets)} packets; python-zeroconf ${fmt(zc?.instances)} in ${fmt(zc?.packets)}`,
    });
    const idlePkts = perMinute(b.big.idle.packets, b.big.idle.seconds);
    const idleCpu = perMinute(b.big.idle.cpuSeconds, b.big.idle.seconds);
    out.push({
      target: `idle with ${fmt(n)} services: 0 packets and ≤ 0.05 s CPU per minute`,
      met: idlePkts === 0 && idleCpu !== null && idleCpu <= 0.05,
      detail: `${fmt(idlePkts, 1)} packets and ${fmt(idleCpu, 3)} s CPU per minute`,
    });
  }
  if (q) {
    const big = Math.max(...q.speed.map((s) => s.n));
    const at = q.speed.filter((s) => s.n === big);
    const mine = at.find((s) => s.impl === 'boaster');
    const time = (s: SpeedResult): number | null => (correct(s) === big ? (s.resolvedMs[String(big)] ?? null) : null);
    const peers = at.filter((s) => s.impl !== 'boaster');
    const fastest = Math.min(...peers.map((s) => time(s) ?? Infinity));
    out.push(
      judge(
        `querier: all ${fmt(big)} found and resolved no later than the fastest peer`,
        mine ? time(mine) : null,
        Number.isFinite(fastest) ? fastest : null,
        (a, c) => a <= c,
        'ms',
      ),
    );
    const fewest = Math.min(...peers.filter((s) => time(s) !== null).map((s) => s.sent.packets));
    // One query is the least any querier can send: a tie there is not a loss.
    out.push(
      judge(
        'querier: fewer packets sent than any peer that got there (or the one query that cannot be bettered)',
        mine?.sent.packets,
        Number.isFinite(fewest) ? fewest : null,
        (a, c) => a < c || a === 1,
        'packets',
      ),
    );
    const idle = q.idle.find((s) => s.impl === 'boaster');
    const kept = q.idle.filter((s) => s.impl !== 'boaster' && s.resolved >= s.n);
    const leastPeer = Math.min(...kept.map((s) => s.packets));
    out.push({
      target: 'querier: idle PTR queries within RFC 6762 §5.2’s doubling schedule',
      met: idle ? idle.ptrPackets <= idle.ptrAllowed : null,
      detail: idle
        ? `${idle.ptrPackets} PTR queries in ${fmt(idle.seconds)} s, ${idle.ptrAllowed} allowed; ${idle.packets} packets in all (cache maintenance included), the fewest of a peer that kept every instance: ${fmt(leastPeer)}`
        : 'not measured',
    });
  }
  return out;
}

export function markdown(
  h: Header,
  responders: readonly ResponderResult[],
  q: QuerierResults | null,
  micro: string | null,
): string {
  const lines: string[] = [
    `# boaster beside its peers${h.quick ? ' (quick slice: smaller N, shorter windows — not for comparison)' : ''}`,
    '',
    `${h.date} · ${h.machine} · ${h.elapsedS} s`,
    '',
    `Command: \`${h.command}\`. Versions: ${Object.entries(h.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    'Every implementation runs alone in fresh Linux network namespaces (TEST-NET-1, one bridge, IPv4 only), on one lab host, with the',
    'measuring client on another (bench/compare/ says how each figure is taken). A peer cell reads "value (boaster ÷ value)".',
    '',
    '## Responders',
    '',
    ...table(
      RESPONDERS.filter((i) => responders.some((r) => r.impl === i)),
      responderRows(responders, h.n),
      'boaster',
    ),
    '',
  ];
  if (q)
    lines.push(
      '## Queriers',
      '',
      'avahi-daemon publishes on another host.',
      '',
      ...table(
        QUERIERS.filter((i) => q.speed.some((s) => s.impl === i)),
        querierRows(q),
        'boaster',
      ),
      '',
    );
  const t = targets(responders, q, h.n);
  lines.push(
    '## Targets',
    '',
    '| target | met | figures |',
    '|---|---|---|',
    ...t.map((x) => `| ${x.target} | ${x.met === null ? '—' : x.met ? 'yes' : '**no**'} | ${x.detail} |`),
    '',
  );
  const notes = [
    ...responders.flatMap((r) => r.notes),
    ...(q?.notes ?? []),
    ...(q?.idle.flatMap((s) => s.notes.map((n) => `${s.impl}: ${n}`)) ?? []),
    ...(q?.speed
      .filter((s) => s.wrongCount > 0)
      .map(
        (s) =>
          `${s.impl} N=${s.n}: ${s.wrongCount} reported resolved with a wrong or missing field, e.g. ${s.wrong.join('; ')}`,
      ) ?? []),
  ];
  if (notes.length) lines.push('## Notes', '', ...notes.map((x) => `- ${x}`), '');
  if (micro) lines.push('## Micro: wire codec beside dns-packet', '', micro, '');
  return `${lines.join('\n')}\n`;
}
