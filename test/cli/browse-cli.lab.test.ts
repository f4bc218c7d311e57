/**
 * `boaster browse -p` prints what `avahi-browse -p` prints, and `boaster
 * resolve` what `avahi-resolve -n` prints, for the same services seen from
 * two hosts of one link: h1 publishes with avahi (names with spaces, dots,
 * backslashes and UTF-8), h2 runs avahi-browse and avahi-resolve against its
 * own avahi-daemon, h0 runs boaster's CLI. IPv4 only on every host, so the
 * rows compare one to one. A service whose host has no address shows a `+`
 * line and no `=` in both.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { avahiPublish, type PublishedService } from '../lab/avahi-client.js';
import { useLab } from '../lab/use-lab.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/boaster.ts', import.meta.url));

const skip = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse', 'avahi-resolve'],
  'boaster browse and resolve beside avahi-browse and avahi-resolve',
);

const SERVICES = [
  { name: 'Büro Drucker. 2', type: '_http._tcp', port: 8080, txt: ['path=/print', 'flag'] },
  { name: 'back\\slash (1)', type: '_http._tcp', port: 8081, txt: ['a=1'] },
  { name: 'plain', type: '_http._tcp', port: 8082, txt: [] },
];

/** An instance whose SRV names a host nobody announces: found, never resolved. */
const UNRESOLVABLE = {
  name: 'no host',
  type: '_ipp._tcp',
  port: 631,
  txt: ['x=1'],
  targetHost: 'nobody-announces-this.local',
};

/** The + and = lines of a -p run, sorted (the order of arrival differs). */
function rows(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('+;') || l.startsWith('=;'))
    .sort();
}

describe.skipIf(skip)('boaster browse and resolve print what avahi-browse and avahi-resolve print', () => {
  let watcher: Avahi;
  let published: PublishedService[] = [];
  const lab = useLab({ hosts: 3 }, async (l) => {
    const publisher = await startAvahi(l.host(1), {
      hostName: 'pub-avahi',
      useIPv6: false,
      // Only the IPv4 address on the IPv4 link: avahi-browse -r then resolves every service to it, as boaster does
      // (with avahi's default it picked the link-local AAAA now and then, and the lines differed by that).
      extraConfig: { publish: { 'publish-aaaa-on-ipv4': 'no' } },
    });
    watcher = await startAvahi(l.host(2), { hostName: 'watcher', useIPv6: false });
    published = [];
    for (const spec of SERVICES) published.push(await avahiPublish(publisher, spec));
    published.push(await avahiPublish(publisher, UNRESOLVABLE));
  });

  const boaster = (args: string[]) =>
    lab()
      .host(0)
      .run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: root, timeoutMs: 30_000 });
  const avahi = (cmd: string, args: string[]) => watcher.host.run(cmd, args, { env: watcher.env, timeoutMs: 30_000 });

  it('-k -r -p -t: the same + and = lines, names escaped as avahi escapes them', async () => {
    expect(published.map((p) => p.establishedName)).toEqual([...SERVICES, UNRESOLVABLE].map((s) => s.name));
    const theirs = await avahi('avahi-browse', ['-k', '-r', '-p', '-t', '_http._tcp']);
    const ours = await boaster(['browse', '-k', '-r', '-p', '-t', '--no-ipv6', '_http._tcp']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(rows(theirs.stdout)).toHaveLength(2 * SERVICES.length);
    expect(rows(ours.stdout)).toEqual(rows(theirs.stdout));
    expect(ours.stdout).toContain('B\\195\\188ro\\032Drucker\\.\\0322');
  });

  it('without -k: the friendly type name in both', async () => {
    const theirs = await avahi('avahi-browse', ['-r', '-p', '-t', '_http._tcp']);
    const ours = await boaster(['browse', '-r', '-p', '-t', '--no-ipv6', '_http._tcp']);
    expect(rows(ours.stdout)).toEqual(rows(theirs.stdout));
    expect(rows(ours.stdout)[0]).toContain(';Web Site;');
  });

  it('-k -r -p -t for a service whose host never resolves: the + line alone in both', async () => {
    const theirs = await avahi('avahi-browse', ['-k', '-r', '-p', '-t', UNRESOLVABLE.type]);
    const ours = await boaster(['browse', '-k', '-r', '-p', '-t', '--no-ipv6', UNRESOLVABLE.type]);
    expect(ours.code, ours.stderr).toBe(0);
    expect(rows(theirs.stdout)).toHaveLength(1);
    expect(rows(theirs.stdout)[0]).toMatch(/^\+;[^;]+;IPv4;no\\032host;_ipp\._tcp;local$/);
    expect(rows(ours.stdout)).toEqual(rows(theirs.stdout));
  });

  it('resolve NAME.local: the same line as avahi-resolve -n', async () => {
    const theirs = await avahi('avahi-resolve', ['-4', '-n', 'pub-avahi.local']);
    const ours = await boaster(['resolve', '-4', 'pub-avahi.local']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout.trim()).toBe(theirs.stdout.trim());
    expect(ours.stdout).toMatch(/^pub-avahi\.local\t192\.0\.2\.\d+$/m);
  });

  it('resolve of a name nobody has exits 1 after the timeout', async () => {
    const ours = await boaster(['resolve', '--timeout', '1500', 'nobody-here.local']);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toMatch(/No answer within 1500 ms/);
  });
});
