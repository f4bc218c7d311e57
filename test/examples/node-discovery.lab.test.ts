/**
 * node-discovery in the lab (issue 13): the announcer runs in h0,
 * node-discovery in h1 with `--json --http`, and headless Chromium in h2
 * opens the live page. The node appears (ndjson event and the page's DOM),
 * its address changes (h0 is re-addressed: both show the new one and not
 * the old), and SIGTERM on the announcer makes it gone within 2 s in both.
 * A screenshot of the page is kept in the lab's directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const skip = labGate(['unshare', 'chromium'], 'node-discovery and its live page');
const PORT = 8080;

/** The page's DOM after its scripts ran, as headless Chromium in `host` sees it. */
async function pageDom(host: Host, profileDir: string, url: string, screenshot?: string): Promise<string> {
  const common = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    // A profile of its own in the lab's directory (removed with the lab).
    `--user-data-dir=${join(profileDir, 'chromium')}`,
  ];
  if (screenshot)
    await host.run('chromium', [...common, `--screenshot=${screenshot}`, '--window-size=1100,360', url], {
      timeoutMs: 60_000,
    });
  const r = await host.run('chromium', [...common, '--dump-dom', url], { timeoutMs: 60_000 });
  return r.stdout;
}

/** The row of `name` in the page: its cells' text. */
function row(dom: string, name: string): string[] | undefined {
  const m = new RegExp(`<tr class="(up|gone)" data-node="${name}">(.*?)</tr>`).exec(dom);
  return m ? [m[1] as string, ...[...(m[2] ?? '').matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1] ?? '')] : undefined;
}

describe.skipIf(skip)('node-discovery', () => {
  const lab = useLab({ hosts: 3 });

  it('lists the node live (ndjson and the page), follows its new address, and shows it gone within 2 s of SIGTERM', async () => {
    const [h0, h1, h2] = [lab().host(0), lab().host(1), lab().host(2)];
    const discovery = h1.spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/node-discovery/src/main.ts', '--json', '--http', `0.0.0.0:${PORT}`],
      { cwd: root, label: 'node-discovery' },
    );
    let announcer: LabProcess | undefined;
    try {
      await discovery.waitForOutput(/serving http/, 15_000);
      announcer = h0.spawn(
        process.execPath,
        ['--import', 'tsx', 'examples/hypervisor-announcer/src/main.ts', '--host', 'node17', '--interface', h0.ifname],
        { cwd: root, label: 'announcer' },
      );
      await discovery.waitForOutput(/"event":"up","node":\{"name":"node17"/, 20_000);
      const url = `http://${h1.ipv4}:${PORT}/`;
      const first = row(await pageDom(h2, lab().dir, url, join(lab().dir, 'node-discovery.png')), 'node17');
      expect(first?.[0]).toBe('up');
      expect(first?.[2]).toContain('192.0.2.10');

      // h0 moves to another address: boaster re-announces, the announcer updates its TXT.
      await h0.replaceIPv4(h0.ifname, '192.0.2.60/24');
      await discovery.waitForOutput(
        /"event":"update","node":\{"name":"node17","host":"node17\.local","port":443,"addresses":\["192\.0\.2\.60"/,
        10_000,
      );
      let moved: string[] | undefined;
      for (let i = 0; i < 10; i++) {
        moved = row(await pageDom(h2, lab().dir, url), 'node17');
        if (moved?.[2]?.includes('192.0.2.60') && !moved[2].includes('192.0.2.10')) break;
        await sleep(500);
      }
      expect(moved?.[2]).toContain('192.0.2.60');
      expect(moved?.[2]).not.toContain('192.0.2.10');

      const stopAt = Date.now();
      announcer.signal('SIGTERM');
      await discovery.waitForOutput(/"event":"down","node":\{"name":"node17"/, 5_000);
      expect(Date.now() - stopAt).toBeLessThan(2_000);
      expect(row(await pageDom(h2, lab().dir, url), 'node17')?.[0]).toBe('gone');
    } finally {
      await announcer?.stop();
      await discovery.stop();
    }
  }, 180_000);

  it('lists the 300 VMs a node hosts from its inventory file, and an added, removed or changed VM within 3 s', async () => {
    const [h0, h1, h2] = [lab().host(0), lab().host(1), lab().host(2)];
    const file = join(lab().dir, 'vms.json');
    const vms = Array.from({ length: 300 }, (_, i) => ({
      uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `vm-${i}`,
      state: 'running',
    }));
    writeFileSync(file, JSON.stringify(vms));
    const discovery = h1.spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/node-discovery/src/main.ts', '--http', `0.0.0.0:${PORT}`],
      { cwd: root, label: 'node-discovery' },
    );
    let announcer: LabProcess | undefined;
    type Row = { name: string; vms: { name: string; state: string }[] };
    const snapshot = async (): Promise<Row | undefined> => {
      const r = await h2.run(
        process.execPath,
        ['-e', `fetch('http://${h1.ipv4}:${PORT}/nodes').then((r) => r.text()).then((t) => process.stdout.write(t))`],
        { timeoutMs: 10_000 },
      );
      return (JSON.parse(r.stdout || '[]') as Row[]).find((n) => n.name === 'node17');
    };
    const until = async (check: (n: Row | undefined) => boolean, ms: number): Promise<Row | undefined> => {
      const end = Date.now() + ms;
      let last: Row | undefined;
      while (Date.now() < end) {
        last = await snapshot();
        if (check(last)) return last;
        await sleep(200);
      }
      return last;
    };
    try {
      await discovery.waitForOutput(/serving http/, 15_000);
      announcer = h0.spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'examples/hypervisor-announcer/src/main.ts',
          '--host',
          'node17',
          '--interface',
          h0.ifname,
          '--vms-file',
          file,
        ],
        { cwd: root, label: 'announcer' },
      );
      await announcer.waitForOutput(/^vms count=300$/m, 60_000);
      expect((await until((n) => n?.vms.length === 300, 20_000))?.vms.length).toBe(300);

      // One added, one removed, one stopped: all shown within 3 s.
      const next = [
        ...vms.slice(1),
        { uuid: '00000000-0000-4000-8000-999999999999', name: 'vm-new', state: 'running' },
      ];
      const stopped = next[10];
      if (stopped) stopped.state = 'shut off';
      const changedAt = Date.now();
      writeFileSync(file, JSON.stringify(next));
      const after = await until(
        (n) =>
          (n?.vms.some((v) => v.name === 'vm-new') ?? false) &&
          !n?.vms.some((v) => v.name === 'vm-0') &&
          n?.vms.find((v) => v.name === 'vm-11')?.state === 'shut off',
        6_000,
      );
      const tookMs = Date.now() - changedAt;
      expect(after?.vms.length).toBe(300);
      expect(after?.vms.some((v) => v.name === 'vm-new')).toBe(true);
      expect(after?.vms.some((v) => v.name === 'vm-0')).toBe(false);
      expect(after?.vms.find((v) => v.name === 'vm-11')?.state).toBe('shut off');
      expect(tookMs, 'the inventory change took too long to show').toBeLessThan(3_000);
    } finally {
      await announcer?.stop();
      await discovery.stop();
    }
  }, 180_000);
});
