/**
 * The user's edge on real sockets in the lab (issue 12): the bad-input
 * table on the UDP transport (every value its typed error, the process
 * lives, no unhandled rejection); `boaster publish` prints a rename that
 * happens during the first probe (avahi holding the name) and refuses an
 * interface that does not exist (exit 1, NO_INTERFACE, never
 * "Established") and numbers that are not decimal digits (exit 2); the
 * example sends goodbyes on SIGTERM (avahi-browse shows the removal).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { avahiPublish } from '../lab/avahi-client.js';
import { useLab } from '../lab/use-lab.js';
import { BAD_OPTIONS, BAD_SPECS } from './bad-input-table.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/boaster.ts', import.meta.url));
const DRIVER = fileURLToPath(new URL('./bad-input-driver.ts', import.meta.url));
const skip = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse', 'avahi-publish'],
  "the user's edge on real sockets",
);

describe.skipIf(skip)("the user's edge on real sockets", () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 2 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'edge-peer', useIPv6: false });
  });

  it('the bad-input table on the UDP transport: each value its typed error, no unhandled rejection, the process goes on publishing', async () => {
    const h0 = lab().host(0);
    const r = await h0.run(process.execPath, ['--import', 'tsx', DRIVER, h0.ifname], { cwd: root, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      options: Record<string, string>;
      specs: Record<string, string>;
      noInterface: string;
      unhandled: number;
      uncaught: number;
      published: string;
    };
    expect(out.options).toEqual(Object.fromEntries(BAD_OPTIONS.map(([label, , code]) => [label, code])));
    expect(out.specs).toEqual(Object.fromEntries(BAD_SPECS.map(([label, , code]) => [label, code])));
    expect(out.noInterface).toBe('NO_INTERFACE');
    expect({ unhandled: out.unhandled, uncaught: out.uncaught }).toEqual({ unhandled: 0, uncaught: 0 });
    expect(out.published).toBe('after bad input');
  }, 90_000);

  it('boaster publish prints a rename during the first probe when avahi holds the name', async () => {
    const held = await avahiPublish(avahi, { name: 'Taken Name', type: '_http._tcp', port: 8080 });
    try {
      const h0 = lab().host(0);
      const pub = h0.spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'publish',
          'Taken Name',
          '_http._tcp',
          '80',
          '--host',
          'edgehost',
          '--interface',
          h0.ifname,
        ],
        { cwd: root, label: 'boaster-publish' },
      );
      const established = await pub.waitForOutput(/Established under name '(.*?)'/, 20_000);
      expect(pub.stdout).toContain("Service name collision, renaming service to 'Taken Name (2)' (was 'Taken Name')");
      expect(established[1]).toBe('Taken Name (2)');
      expect(pub.stdout.indexOf('Service name collision')).toBeLessThan(pub.stdout.indexOf('Established'));
      await pub.stop();
    } finally {
      await held.stop();
    }
  }, 60_000);

  it('boaster publish on an interface that does not exist exits 1 with NO_INTERFACE, never "Established"', async () => {
    const r = await lab()
      .host(0)
      .run(
        process.execPath,
        ['--import', 'tsx', CLI, 'publish', 'Nowhere', '_http._tcp', '80', '--interface', 'nonexistent0'],
        { cwd: root, timeoutMs: 30_000 },
      );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No interface to announce "Nowhere" on/);
    expect(r.stdout).not.toContain('Established');
  }, 40_000);

  it('the CLI refuses numbers that are not decimal digits (exit 2, before any socket), and prints its version', async () => {
    const h0 = lab().host(0);
    const cli = (args: string[]) =>
      h0.run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: root, timeoutMs: 30_000 });
    for (const port of ['0x50', '1e3', ' 80', '65536']) {
      const r = await cli(['publish', 'Bad Port', '_http._tcp', port]);
      expect([r.code, r.stdout], `port ${JSON.stringify(port)}`).toEqual([2, '']);
      expect(r.stderr).toContain(`PORT "${port}" must be a decimal number from 0 to 65535`);
    }
    // "-1" reads as an option: refused as usage all the same.
    expect((await cli(['publish', 'Bad Port', '_http._tcp', '-1'])).code).toBe(2);
    for (const timeout of ['1e3', '0x10', '0']) {
      const r = await cli(['resolve', '--timeout', timeout, 'x.local']);
      expect(r.code, `timeout ${timeout}`).toBe(2);
    }
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toMatch(/^boaster \d+\.\d+\.\d+$/);
  }, 60_000);

  it('SIGTERM on the example sends goodbyes: avahi-browse shows the removal at once', async () => {
    const example = lab()
      .host(0)
      .spawn(process.execPath, ['--import', 'tsx', 'examples/announce-host.mjs'], { cwd: root, label: 'example' });
    await example.waitForOutput(/Announced as "(.*?)" on /, 20_000);
    // Only the example publishes _boaster._tcp in this lab.
    const browse = avahi.host.spawn('avahi-browse', ['-p', '-k', '_boaster._tcp'], {
      env: avahi.env,
      label: 'avahi-browse',
    });
    try {
      await browse.waitForOutput(/^\+;[^;]*;IPv4;boaster\\032on\\032/m, 15_000);
      const sent = Date.now();
      example.signal('SIGTERM');
      await browse.waitForOutput(/^-;[^;]*;IPv4;/m, 5_000);
      expect(Date.now() - sent).toBeLessThan(3_000);
      await example.exited;
      expect(example.exitStatus?.code).toBe(0);
    } finally {
      await browse.stop();
      await example.stop();
    }
  }, 60_000);
});
