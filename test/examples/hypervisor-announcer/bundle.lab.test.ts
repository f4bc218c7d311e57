/**
 * `npm run bundle` makes one self-contained file of the announcer: copied
 * alone into an empty directory (no node_modules anywhere above it), a
 * plain `node` runs it in a lab host and avahi-browse finds the service
 * from another; SIGTERM ends it with exit 0.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../../lab/availability.js';
import { startAvahi, type Avahi } from '../../lab/avahi.js';
import { browseUntil } from '../../lab/avahi-client.js';
import { useLab } from '../../lab/use-lab.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BUNDLE = join(root, 'examples/hypervisor-announcer/dist/hypervisor-announcer.mjs');
const skip = labGate(['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse'], 'the bundled hypervisor announcer');

describe.skipIf(skip)('the bundled hypervisor announcer', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 2 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'bundle-watcher', useIPv6: false });
  });

  it('runs with plain node from an empty directory and is found by avahi-browse', async () => {
    execFileSync('npm', ['run', '--silent', 'bundle'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    const dir = join(lab().dir, 'empty');
    mkdirSync(dir);
    copyFileSync(BUNDLE, join(dir, 'hypervisor-announcer.mjs'));
    expect(readdirSync(dir)).toEqual(['hypervisor-announcer.mjs']);
    for (let d = dir; d !== dirname(d); d = dirname(d))
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    expect(statSync(BUNDLE).size).toBeLessThan(400_000);
    const proc = lab()
      .host(0)
      .spawn(process.execPath, ['hypervisor-announcer.mjs', '--host', 'bundled'], { cwd: dir, label: 'bundle' });
    await proc.waitForOutput(/^announced name=bundled type=_hypervisor\._tcp/m, 20_000);
    const found = await browseUntil(avahi, '_hypervisor._tcp', (r) => r.some((e) => e.name === 'bundled'), {
      attempts: 6,
    });
    expect(found.resolved.find((e) => e.name === 'bundled')).toMatchObject({ port: 443, address: '192.0.2.10' });
    proc.signal('SIGTERM');
    await proc.exited;
    expect(proc.exitStatus?.code, proc.tail()).toBe(0);
  }, 90_000);
});
