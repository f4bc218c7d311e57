/**
 * `npm run bundle` makes one self-contained file of the announcer: copied
 * alone into an empty directory (no node_modules anywhere above it), a
 * plain `node` runs it in a lab host and avahi-browse finds the service
 * from another; SIGTERM ends it with exit 0. And the daemon's service
 * behaviour: JSON log lines, SIGHUP reloading the config.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

  it('logs JSON lines with --log-json, and SIGHUP reloads the config: a changed port is announced', async () => {
    const config = join(lab().dir, 'announcer.json');
    writeFileSync(
      config,
      JSON.stringify({ hostName: 'reloaded', services: [{ type: '_hypervisor._tcp', port: 443 }] }),
    );
    const proc = lab()
      .host(0)
      .spawn(
        process.execPath,
        ['--import', 'tsx', 'examples/hypervisor-announcer/src/main.ts', '--config', config, '--log-json'],
        { cwd: root, label: 'announcer' },
      );
    try {
      await proc.waitForOutput(/"event":"announced","name":"reloaded"/, 20_000);
      const lines = proc.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { at: string; event: string });
      expect(lines.map((l) => l.event).slice(0, 2)).toEqual(['addresses', 'announced']);
      expect(lines.every((l) => !Number.isNaN(Date.parse(l.at)))).toBe(true);
      writeFileSync(
        config,
        JSON.stringify({ hostName: 'reloaded', services: [{ type: '_hypervisor._tcp', port: 8443 }] }),
      );
      proc.signal('SIGHUP');
      await proc.waitForOutput(/"event":"reloaded","services":1/, 20_000);
      const found = await browseUntil(
        avahi,
        '_hypervisor._tcp',
        (r) => r.some((e) => e.name === 'reloaded' && e.port === 8443),
        { attempts: 8 },
      );
      expect(found.resolved.find((e) => e.name === 'reloaded')?.port).toBe(8443);
      proc.signal('SIGTERM');
      await proc.exited;
      expect(proc.exitStatus?.code).toBe(0);
    } finally {
      await proc.stop();
    }
  }, 90_000);
});
