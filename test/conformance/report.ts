/** The suite's results as a console table and as Markdown, with the versions of everything measured. */
import { readFileSync } from 'node:fs';
import type { Answer } from 'dns-packet';
import { runCommand } from '../lab/exec.js';
import { PYTHON } from '../lab/availability.js';
import { CASES } from './cases/index.js';
import { isQU } from './packets.js';
import type { ScenarioRun } from './scenario.js';
import { SERVICE, type TargetResult } from './suite.js';
import { REPO_ROOT } from './targets.js';

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function versions(): Promise<Record<string, string>> {
  const avahi = await runCommand('avahi-daemon', ['--version'], { timeoutMs: 5_000 }).catch(() => undefined);
  const zc = await runCommand(PYTHON, ['-c', 'import zeroconf; print(zeroconf.__version__)'], {
    timeoutMs: 10_000,
  }).catch(() => undefined);
  const tshark = await runCommand('tshark', ['--version'], { timeoutMs: 5_000 }).catch(() => undefined);
  const own = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version?: string };
  return {
    boaster: `${own.version ?? 'unknown'} (this checkout)`,
    'avahi-daemon': avahi?.stdout.trim().replace(/^avahi-daemon\s*/, '') || 'unknown',
    'python-zeroconf': zc?.stdout.trim() || 'unknown',
    ciao: packageVersion('@homebridge/ciao'),
    node: process.version,
    tshark:
      tshark?.stdout
        .split('\n')[0]
        ?.replace(/^TShark \(Wireshark\)\s*/, '')
        .replace(/\s*\(.*$/, '')
        .trim() || 'unknown',
  };
}

const names = (results: readonly TargetResult[]): string[] =>
  CASES.map((c) => c.name).filter((n) => results.some((r) => r.cases.some((x) => x.name === n)));

/** Plain table for the console: one row per case, one column per target. */
export function table(results: readonly TargetResult[]): string {
  const rows: string[][] = [
    ['case', ...results.map((r) => r.target + (r.faults.length ? ` [${r.faults.join(',')}]` : ''))],
  ];
  for (const n of names(results))
    rows.push([n, ...results.map((r) => r.cases.find((c) => c.name === n)?.status ?? '-')]);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export function markdown(results: readonly TargetResult[], date: string, vers: Record<string, string>): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '# Conformance results',
    '',
    `Produced by \`npm run conformance\` (test/conformance) on ${date}.`,
    '',
    ...Object.entries(vers).map(([k, v]) => `- ${k}: ${v}`),
    `- Service: "${SERVICE.name}" ${SERVICE.type} port ${SERVICE.port}, TXT ${Object.entries(SERVICE.txt)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}, subtype ${SERVICE.subtype ?? '-'}`,
    '',
    `| case | ${results.map((r) => r.target + (r.faults.length ? ` (faults: ${r.faults.join(', ')})` : '')).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
    ...names(results).map(
      (n) =>
        `| ${n} | ${results
          .map((r) => {
            const c = r.cases.find((x) => x.name === n);
            return c ? `**${c.status}** ${esc(c.figure)}` : '-';
          })
          .join(' | ')} |`,
    ),
    '',
    '## Details',
    '',
  ];
  for (const r of results) {
    lines.push(`### ${r.target}`, '');
    lines.push(
      `Scenarios: ${r.scenarios.map((s) => `${s.name} ${s.seconds}s/${s.packets} packets${s.error ? ` (error: ${esc(s.error)})` : ''}`).join(', ')}.`,
      '',
    );
    for (const c of r.cases) lines.push(`- **${c.name}** ${c.status} — ${c.figure}. ${c.detail}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** One line per captured packet of a scenario (`--dump`): time from launch, source, flags and sections. */
export function dumpPackets(run: ScenarioRun): string {
  const t0 = run.marks.launched ?? run.packets[0]?.at ?? 0;
  const rec = (r: Answer): string =>
    `${r.type}${'flush' in r && r.flush ? '!' : ''} ${r.name}${'ttl' in r && r.ttl === 0 ? ' ttl0' : ''}`;
  const lines = run.packets.map((p) => {
    const m = p.msg;
    if (!m) return `${(p.at - t0).toFixed(1)} ${p.src} undecodable`;
    const qs = (m.questions ?? []).map((q) => `${String(q.type)}${isQU(q) ? '/QU' : ''} ${q.name}`);
    return [
      `${(p.at - t0).toFixed(1)} ${p.src}:${p.srcPort}>${p.dst} ${m.flag_qr ? 'R' : 'Q'}${m.flag_tc ? 'TC' : ''}`,
      qs.length ? `Q[${qs.join(', ')}]` : '',
      m.answers?.length ? `AN[${m.answers.map(rec).join(', ')}]` : '',
      m.authorities?.length ? `NS[${m.authorities.map(rec).join(', ')}]` : '',
      m.additionals?.length ? `AR[${m.additionals.map(rec).join(', ')}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
  });
  const marks = Object.entries(run.marks)
    .map(([k, v]) => `${k}=${(v - t0).toFixed(0)}`)
    .join(' ');
  return `-- ${run.target} ${run.scenario} (ms from launch; marks ${marks})\n${lines.join('\n')}`;
}
