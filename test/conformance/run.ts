/**
 * Conformance runner: `npx tsx test/conformance/run.ts [--target NAME ...]`.
 *
 * For each target: a 2-host lab, a capture on the link, the target publishing
 * one service in h0 (h1 idle), ready + 5 s, stop, then every case judged from
 * the capture. Prints a table and writes results/latest.json + latest.md.
 * Exit code 1 when any case FAILs or ERRORs for boaster.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCommand } from '../lab/exec.js';
import { PYTHON } from '../lab/availability.js';
import { startCapture, type Capture } from '../lab/capture.js';
import { createLab, type Lab } from '../lab/lab.js';
import { sleep } from '../lab/wait.js';
import { ACTIVE_CASES, runActive, type ActiveObservations } from './active.js';
import { CASES as PASSIVE_CASES, judgeSafely, type CaseResult } from './cases.js';
import { readMdnsPackets, type MdnsPacket } from './packets.js';
import { TARGETS, TARGET_NAMES, type ServiceSpec, type TargetName } from './targets.js';

const SERVICE: ServiceSpec = { name: 'Conformance Test', type: '_boaster-conf._tcp', port: 4242, txt: { a: '1' } };
const READY_TIMEOUT_MS = 30_000;
const OBSERVE_MS = 5_000;
const CASES = [...PASSIVE_CASES, ...ACTIVE_CASES];
/** `--dump`: print a one-line summary of every captured packet. */
let dump = false;
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

interface TargetResult {
  readonly target: TargetName;
  readonly hostName: string;
  readonly packets: number;
  readonly error?: string;
  readonly cases: readonly CaseResult[];
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function runTarget(name: TargetName): Promise<TargetResult> {
  let lab: Lab | undefined;
  let capture: Capture | undefined;
  let hostName = '';
  try {
    lab = await createLab({ hosts: 2 });
    const h0 = lab.host(0);
    const h1 = lab.host(1);
    const targetAddresses = new Set(h0.interfaces.flatMap((i) => i.addresses.map((a) => a.address)));
    const testerAddresses = new Set(h1.interfaces.flatMap((i) => i.addresses.map((a) => a.address)));
    const targetV4 = h0.interfaces[0]?.ipv4;
    capture = await startCapture(lab.link(0), { dir: lab.dir });
    const running = TARGETS[name].start(h0, SERVICE, READY_TIMEOUT_MS);
    hostName = running.hostName;
    let startError: string | undefined;
    let active: ActiveObservations | undefined;
    let activeError: string | undefined;
    try {
      await withTimeout(running.ready, READY_TIMEOUT_MS + 5_000, `${name} ready`);
      await sleep(OBSERVE_MS);
      // Active phase: the tester in h1 queries the target (bounded by runActive's timeouts).
      try {
        if (targetV4 === undefined) throw new Error('h0 has no IPv4 address');
        active = await withTimeout(runActive(h1, targetV4, `${SERVICE.name}.${SERVICE.type}.local`), 60_000, 'active tester');
      } catch (e) {
        activeError = e instanceof Error ? e.message : String(e);
      }
    } catch (e) {
      startError = e instanceof Error ? e.message : String(e);
    } finally {
      await withTimeout(running.stop(), 15_000, `${name} stop`).catch((e: unknown) => {
        startError ??= `stop: ${e instanceof Error ? e.message : String(e)}`;
      });
    }
    await sleep(300); // let the goodbyes reach the capture
    const file = await capture.stop();
    capture = undefined;
    const packets = await readMdnsPackets(file);
    if (dump) for (const p of packets) process.stdout.write(`  ${summarize(p)}\n`);
    const instance = `${SERVICE.name}.${SERVICE.type}.local`;
    const testerPackets = packets.filter((p) => testerAddresses.has(p.src));
    const passiveEnd = testerPackets.length > 0 ? Math.min(...testerPackets.map((p) => p.time)) : undefined;
    const cases = CASES.map((c) => {
      const r = judgeSafely(c, {
        packets,
        targetAddresses,
        instance,
        ...(passiveEnd !== undefined ? { passiveEnd } : {}),
        ...(active !== undefined ? { active } : {}),
      });
      return activeError !== undefined && r.status === 'ERROR' ? { ...r, detail: `${r.detail}: ${activeError}` } : r;
    });
    return {
      target: name,
      hostName,
      packets: packets.length,
      ...(startError !== undefined ? { error: startError } : {}),
      cases: startError === undefined ? cases : cases.map((c) => (c.status === 'PASS' ? c : { ...c, detail: `${c.detail} [target error: ${startError}]` })),
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return {
      target: name,
      hostName,
      packets: 0,
      error: msg,
      cases: CASES.map((c) => ({ name: c.name, status: 'ERROR', figure: '-', detail: msg })),
    };
  } finally {
    await capture?.stop().catch(() => undefined);
    await lab?.destroy();
  }
}

function summarize(p: MdnsPacket): string {
  const m = p.msg;
  if (!m) return `${p.time.toFixed(3)} ${p.src} undecodable: ${p.decodeError ?? ''}`;
  const rec = (r: { type: string; name: string; flush?: boolean | undefined }): string => `${r.type}${r.flush ? '!' : ''} ${r.name}`;
  const qs = (m.questions ?? []).map((q) => `${String(q.type)}/${String(q.class)} ${q.name}`);
  return [
    `${p.time.toFixed(3)} ${p.src} ttl=${p.ttl} ${m.flag_qr ? 'R' : 'Q'}${m.flag_aa ? 'AA' : ''}`,
    qs.length ? `Q[${qs.join(', ')}]` : '',
    m.answers?.length ? `AN[${m.answers.map(rec).join(', ')}]` : '',
    m.authorities?.length ? `NS[${m.authorities.map(rec).join(', ')}]` : '',
    m.additionals?.length ? `AR[${m.additionals.map(rec).join(', ')}]` : '',
  ].filter(Boolean).join(' ');
}

async function versions(): Promise<Record<string, string>> {
  const avahi = await runCommand('avahi-daemon', ['--version'], { timeoutMs: 5_000 }).catch(() => undefined);
  const zc = await runCommand(PYTHON, ['-c', 'import zeroconf; print(zeroconf.__version__)'], { timeoutMs: 10_000 }).catch(() => undefined);
  const tshark = await runCommand('tshark', ['--version'], { timeoutMs: 5_000 }).catch(() => undefined);
  return {
    node: process.version,
    'avahi-daemon': avahi?.stdout.trim() || 'unknown',
    'python-zeroconf': zc?.stdout.trim() || 'unknown',
    tshark: tshark?.stdout.split('\n')[0]?.trim() || 'unknown',
  };
}

function table(results: readonly TargetResult[]): string {
  const rows: string[][] = [['target', ...CASES.map((c) => c.name)]];
  for (const r of results) rows.push([r.target, ...r.cases.map((c) => `${c.status} ${c.figure}`)]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')).join('\n');
}

function markdown(results: readonly TargetResult[], date: string, vers: Record<string, string>): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '# Conformance results (latest run)',
    '',
    `- Date: ${date}`,
    ...Object.entries(vers).map(([k, v]) => `- ${k}: ${v}`),
    `- Service: "${SERVICE.name}" ${SERVICE.type} port ${SERVICE.port} TXT ${Object.entries(SERVICE.txt).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    '',
    `| target | ${CASES.map((c) => c.name).join(' | ')} |`,
    `|---|${CASES.map(() => '---').join('|')}|`,
    ...results.map((r) => `| ${r.target} | ${r.cases.map((c) => `**${c.status}** ${esc(c.figure)}`).join(' | ')} |`),
    '',
    '## Details',
    '',
  ];
  for (const r of results) {
    lines.push(`### ${r.target}`, '', `Host name \`${r.hostName}\`, ${r.packets} captured datagrams.${r.error ? ` Error: ${r.error}` : ''}`, '');
    for (const c of r.cases) lines.push(`- **${c.name}** ${c.status} — ${c.figure}. ${c.detail}`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, dump: { type: 'boolean' } } });
  dump = values.dump ?? false;
  const selected = (values.target ?? [...TARGET_NAMES]).flatMap((t) => t.split(','));
  for (const t of selected) {
    if (!(TARGET_NAMES as readonly string[]).includes(t)) {
      process.stderr.write(`unknown target ${t}; known: ${TARGET_NAMES.join(', ')}\n`);
      return 2;
    }
  }
  const results: TargetResult[] = [];
  for (const t of selected as TargetName[]) {
    process.stdout.write(`== ${t}\n`);
    const r = await runTarget(t);
    for (const c of r.cases) process.stdout.write(`  ${c.name}: ${c.status} ${c.figure} — ${c.detail}\n`);
    results.push(r);
  }
  const date = new Date().toISOString();
  const vers = await versions();
  process.stdout.write(`\n${table(results)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify({ date, versions: vers, service: SERVICE, results }, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown(results, date, vers));
  const boaster = results.find((r) => r.target === 'boaster');
  return boaster?.cases.some((c) => c.status === 'FAIL' || c.status === 'ERROR') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
