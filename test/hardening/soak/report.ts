/**
 * Issue 15, churn soak: the soak report as Markdown, for bench/soak.ts's
 * results file and the CI slice's log — slopes per minute first (the
 * issue's "RSS and handle count flat"), then what was done and what every
 * promise came to.
 */
import type { SoakReport } from './scenario.js';
import type { Trend } from './series.js';

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const table = (row: Readonly<Record<string, number>>): string =>
  Object.entries(row)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '–';

function trendRow(name: string, t: Trend, unit: 'KiB' | 'count'): string {
  if (unit === 'KiB')
    return `| ${name} | ${signed(t.perMinute, 0)} KiB/min | ${mib(t.first)} | ${mib(t.last)} | ${mib(t.min)} – ${mib(t.max)} |`;
  return `| ${name} | ${signed(t.perMinute, 2)}/min | ${t.first} | ${t.last} | ${t.min} – ${t.max} |`;
}

/** The report as Markdown (no title). */
export function formatSoakReport(r: SoakReport): string {
  const c = r.child;
  const s = r.slopes;
  const o = r.options;
  const promiseRows = Object.entries(c.promises.byKind).map(
    ([kind, k]) => `| ${kind} | ${k.created} | ${k.resolved} | ${table(k.rejected)} | ${table(k.untyped)} |`,
  );
  return [
    `Churn: ${o.seconds} s, target ${o.target} live services, ${o.opsPerSecond} ops/s, ${o.queriesPerSecond} lookups/s, seed ${o.seed}; samples every ${o.sampleMs / 1000} s.`,
    '',
    `Slopes: least squares over ${s.samples} samples from t = ${s.fromS} s to ${s.toS} s (the first ${o.warmupS} s are warm-up and left out).`,
    '',
    '| measure | slope | after warm-up | at the end | range |',
    '|---|---|---|---|---|',
    trendRow('RSS', s.rssKiB, 'KiB'),
    trendRow('heap used (after gc)', s.heapKiB, 'KiB'),
    trendRow('open fds', s.fds, 'count'),
    trendRow('active handles', s.handles, 'count'),
    '',
    `Operations: ${c.opsTotal} (${table({ ...c.ops })}); live at the end ${c.liveAtEnd} + the anchor.`,
    `Promises: ${c.promises.created} created, ${c.promises.settled} settled, ${c.promises.pending} pending at the end${c.promises.pending > 0 ? ` (${JSON.stringify(c.promises.pendingByKind)})` : ''}; all settled before close: ${String(c.drainedBeforeClose)}, after close: ${String(c.settledAfterClose)}; untyped rejections ${c.promises.untypedRejections}.`,
    `Unhandled rejections ${c.faults.unhandledRejection}, uncaught exceptions ${c.faults.uncaughtException}; error events: ${table(c.errorEvents)}.`,
    '',
    '| promise | created | resolved | rejected (BoasterError code) | other |',
    '|---|---|---|---|---|',
    ...promiseRows,
    '',
    `Lookups (second core): ${Object.entries(c.queries)
      .map(([k, row]) => `${k}: ${table(row)}`)
      .join('; ')}.`,
    `Browser (second core, whole run): up ${c.view.up}, update ${c.view.update}, down ${c.view.down} (found ${c.view.found}, lost ${c.view.lost}); at the end it saw ${c.viewCheck.seen} of ${c.viewCheck.expected} live (missing ${c.viewCheck.missing.length}, extra ${c.viewCheck.extra.length}; ${c.poofedAtEnd.length} live instances' PTRs dropped by POOF, §10.5). PTRs removed from its cache: ${table(c.ptrRemovals)}. Short-lived browsers: ${c.shortBrowsers.cycles}, ${c.shortBrowsers.upEvents} up events iterated.`,
    `python-zeroconf on h1: added ${r.zeroconf.added}, updated ${r.zeroconf.updated}, removed ${r.zeroconf.removed}; at the end ${r.zeroconf.current} seen (missing ${r.zeroconf.missing.length}, extra ${r.zeroconf.extra.length} against the child's live set).`,
    `dig on h1 (legacy unicast, RFC 6762 §6.7): anchor SRV ${r.dig.anchorAnswered} / ${r.dig.anchorSent} answered with its port; type PTR ${r.dig.ptrAnswered} / ${r.dig.ptrSent}.`,
    `Handles and fds: ${c.fds.beforeClose} fds before close, ${c.fds.afterClose} after; active resources after close: ${c.handles.afterClose.join(', ') || 'none'}; exit code ${String(r.exit.code)}.`,
  ].join('\n');
}
