/**
 * Issue 15, "shutdown": SIGTERM sends goodbyes (TTL 0, RFC 6762 §10.1) for
 * everything on every interface before the process exits — for the CLI,
 * the example daemons and a process publishing 1,000 services.
 *
 * h0 has two interfaces, on two links (h1 on link 0, h2 on link 1 keep each
 * link a real one); dumpcap captures both links. Each case starts a process
 * in h0, waits until it has announced, sends SIGTERM and waits for exit 0.
 * Then, per link and family, every record h0 announced there before the
 * signal (PTR, SRV, TXT, A/AAAA and their reverse PTRs, the services PTR)
 * must have a goodbye sent after it and before the exit, no goodbye may name
 * a record not announced on that link (another interface's address), and
 * nothing is advertised again after the goodbyes. The captures are decoded
 * with dns-packet (goodbyes.ts), not boaster's wire code.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMdnsPackets } from '../conformance/packets.js';
import { labGate } from '../lab/availability.js';
import { startCapture, type Capture } from '../lab/capture.js';
import type { LabProcess } from '../lab/process.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { goodbyeReport, type GoodbyeReport } from './shutdown/goodbyes.js';

const skip = labGate(['tshark'], 'hardening: goodbyes on SIGTERM on every interface');
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'src/cli/boaster.ts';
const MANY = 'test/hardening/shutdown/publish-many.mjs';
/** Bound on the wait for exit after SIGTERM. */
const EXIT_WITHIN_MS = 20_000;

/** What a shutdown looked like on one link and family. */
interface LinkFamily extends GoodbyeReport {
  readonly link: number;
  readonly family: 4 | 6;
}

interface Shutdown {
  readonly code: number | null;
  readonly signalToExitMs: number;
  readonly views: readonly LinkFamily[];
}

describe.skipIf(skip)('SIGTERM: goodbyes for everything on every interface before exit', () => {
  const lab = useLab({ links: 2, hosts: [{ links: [0, 1] }, { links: [0] }, { links: [1] }] });

  /** Run `args` in h0 (through tsx) with captures on both links; SIGTERM once it printed `ready`. */
  async function shutdown(args: readonly string[], ready: RegExp, readyWithinMs = 20_000): Promise<Shutdown> {
    const l = lab();
    const h0 = l.host(0);
    const captures: Capture[] = [];
    for (const k of [0, 1]) captures.push(await startCapture(l.link(k), { dir: l.dir }));
    let proc: LabProcess | undefined;
    try {
      proc = h0.spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, label: args[0] ?? 'daemon' });
      await proc.waitForOutput(ready, readyWithinMs);
      // The first announcement went out before the ready line; let the capture take it in.
      await sleep(300);
      const signalAt = Date.now();
      proc.signal('SIGTERM');
      const exited = await Promise.race([proc.exited.then(() => true), sleep(EXIT_WITHIN_MS).then(() => false)]);
      const exitAt = Date.now();
      expect(exited, `no exit within ${EXIT_WITHIN_MS} ms of SIGTERM\n${proc.tail()}`).toBe(true);
      await sleep(300);
      const views: LinkFamily[] = [];
      for (const k of [0, 1] as const) {
        const packets = await readMdnsPackets(await (captures[k] as Capture).stop());
        const nic = h0.interfaces.find((i) => i.link.index === k);
        for (const family of [4, 6] as const) {
          const from = family === 4 ? nic?.ipv4 : nic?.ipv6;
          const mine = packets.filter((p) => p.family === family);
          const report = goodbyeReport(mine, from ?? '', signalAt);
          expect(report.lastAt ?? 0, 'a goodbye after the process had exited').toBeLessThanOrEqual(exitAt);
          views.push({ ...report, link: k, family });
        }
      }
      return { code: proc.exitStatus?.code ?? null, signalToExitMs: exitAt - signalAt, views };
    } finally {
      await proc?.stop();
      for (const c of captures) await c.stop().catch(() => undefined);
    }
  }

  /** Every announced record said goodbye to, only those, nothing after; `links` are where it announces. */
  function expectGoodbyes(run: Shutdown, links: readonly number[], types: readonly string[]): void {
    const summary = run.views.map(({ link, family, announced, goodbyes, packets, missing, strangers }) => ({
      link,
      family,
      announced,
      goodbyes,
      packets,
      missing: missing.slice(0, 5),
      strangers: strangers.slice(0, 5),
    }));
    console.log(
      `shutdown: exit ${String(run.code)} ${run.signalToExitMs} ms after SIGTERM; ${JSON.stringify(summary)}`,
    );
    expect(run.code).toBe(0);
    for (const view of run.views) {
      const what = `link ${view.link} IPv${view.family}`;
      if (!links.includes(view.link)) {
        expect(view.announced, `${what}: announced on an interface it was not given`).toBe(0);
        continue;
      }
      expect(view.types, what).toEqual(expect.arrayContaining([...types]));
      expect(view.missing, `${what}: announced, never said goodbye to`).toEqual([]);
      expect(view.strangers, `${what}: a goodbye for a record not announced here`).toEqual([]);
      expect(view.goodbyes, what).toBe(view.announced);
      expect(view.advertisedAfter, `${what}: advertised again after the goodbyes`).toBe(0);
    }
  }

  it('the CLI (boaster publish): goodbyes on both links for the instance PTR, SRV, TXT, the services PTR and every address', async () => {
    const run = await shutdown(
      [CLI, 'publish', 'Shut Down', '_http._tcp', '8080', 'path=/', '--host', 'shutcli'],
      /Established under name 'Shut Down'/,
    );
    expectGoodbyes(run, [0, 1], ['A', 'AAAA', 'PTR', 'SRV', 'TXT']);
    const v4 = run.views.filter((v) => v.family === 4);
    // One service: PTR, SRV, TXT, the services PTR; A and its reverse PTR.
    for (const v of v4) expect(v.announced).toBeGreaterThanOrEqual(6);
  }, 30_000);

  it('examples/http-server.mjs: goodbyes on both links', async () => {
    const run = await shutdown(['examples/http-server.mjs'], /announced ".*?" \(_http\._tcp\) on port \d+/);
    expectGoodbyes(run, [0, 1], ['A', 'AAAA', 'PTR', 'SRV', 'TXT']);
  }, 30_000);

  it('the hypervisor announcer (one interface by design, --interface eth1): goodbyes there, nothing on the other link', async () => {
    const h0 = lab().host(0);
    const eth1 = h0.interfaces.find((i) => i.link.index === 1)?.ifname ?? 'eth1';
    const run = await shutdown(
      ['examples/hypervisor-announcer/src/main.ts', '--host', 'shuthv', '--interface', eth1],
      /^announced name=shuthv type=_hypervisor\._tcp/m,
    );
    expectGoodbyes(run, [1], ['A', 'PTR', 'SRV', 'TXT']);
  }, 30_000);

  it('N = 1,000 services (the README SIGTERM handler): goodbyes for all of them on both links before exit', async () => {
    const count = 1_000;
    const run = await shutdown([MANY, String(count), 'shutmany'], /"kind":"announced","count":1000/, 40_000);
    expectGoodbyes(run, [0, 1], ['A', 'AAAA', 'PTR', 'SRV', 'TXT']);
    for (const v of run.views) {
      // Per service its PTR, SRV and TXT; plus the type's services PTR and the host's records.
      expect(v.announced, `link ${v.link} IPv${v.family}`).toBeGreaterThanOrEqual(3 * count + 1);
    }
    const packets = run.views.reduce((n, v) => n + v.packets, 0);
    console.log(
      `N = ${count}: SIGTERM to exit ${run.signalToExitMs} ms, ${packets} goodbye packets on 2 links × 2 families`,
    );
  }, 60_000);
});
