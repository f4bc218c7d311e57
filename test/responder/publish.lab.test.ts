/**
 * `boaster publish` against real peers in the lab: avahi-browse,
 * avahi-resolve, python-zeroconf and dig on another host.
 */
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { avahiBrowse, browseUntil } from '../lab/avahi-client.js';
import { parseAvahiBrowse, txtToRecord } from '../lab/avahi-parse.js';
import { useLab } from '../lab/use-lab.js';
import { zeroconfBrowse } from '../lab/zeroconf.js';
import { fileURLToPath } from 'node:url';
import { eventually, startPublish } from './publish-lab.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const skip = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse', 'python-zeroconf', 'dig'],
  'boaster publish against real peers',
);

describe.skipIf(skip)('boaster publish seen by avahi, python-zeroconf and dig', () => {
  let avahi: Avahi;
  // h0 publishes with boaster; h1 runs avahi-daemon and the other peers.
  const lab = useLab({ hosts: 2 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'peer-avahi' });
  });

  it('avahi-browse resolves the service with address, port and TXT; avahi-resolve finds the host; SIGTERM is seen as a removal', async () => {
    const pub = await startPublish(lab().host(0), [
      'Lab Printer',
      '_ipp._tcp',
      '631',
      'note=hi there',
      'flag',
      'serial=SN-1',
      '--host',
      'boasthost',
    ]);
    expect(pub.name).toBe('Lab Printer');
    const result = await browseUntil(
      avahi,
      '_ipp._tcp',
      (resolved) => resolved.some((e) => e.name === 'Lab Printer' && e.protocol === 'IPv4'),
      { attempts: 6 },
    );
    const entry = result.resolved.find((e) => e.name === 'Lab Printer' && e.protocol === 'IPv4');
    expect(entry).toMatchObject({
      host: 'boasthost.local',
      address: '192.0.2.10',
      port: 631,
      type: '_ipp._tcp',
      domain: 'local',
    });
    expect(txtToRecord(entry?.txt ?? [])).toEqual({ note: 'hi there', flag: true, serial: 'SN-1' });

    const resolved = await lab()
      .host(1)
      .run('avahi-resolve', ['-4', '-n', 'boasthost.local'], { env: avahi.env, timeoutMs: 15_000 });
    expect(resolved.stdout.trim()).toBe('boasthost.local\t192.0.2.10');

    // A running browse sees the goodbye as a removal.
    const watch = lab().host(1).spawn('avahi-browse', ['-p', '-k', '_ipp._tcp'], { env: avahi.env });
    await watch.waitForOutput(/^\+;eth0;IPv4;Lab\\032Printer;/m, 10_000);
    await pub.process.stop();
    expect(pub.process.exitStatus?.code).toBe(0);
    await watch.waitForOutput(/^-;eth0;IPv4;Lab\\032Printer;_ipp\._tcp;local$/m, 5_000);
    await watch.stop();
  }, 60_000);

  it('python-zeroconf on another host finds and resolves the service', async () => {
    const pub = await startPublish(lab().host(0), [
      'Zeroconf Sees Me',
      '_boaster-zc._tcp',
      '8080',
      'path=/x',
      '--host',
      'boasthost',
    ]);
    const found = await zeroconfBrowse(lab().host(1), ['_boaster-zc._tcp'], {
      until: ['Zeroconf Sees Me'],
      durationMs: 8_000,
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      name: 'Zeroconf Sees Me',
      server: 'boasthost.local.',
      port: 8080,
      properties: { path: '/x' },
    });
    expect(found[0]?.addresses).toContain('192.0.2.10');
    await pub.process.stop();
  }, 40_000);

  it('dig -p 5353 gets the SRV and the A record as legacy unicast: clean parse, TTL ≤ 10', async () => {
    const pub = await startPublish(lab().host(0), ['Dig Me', '_http._tcp', '80', '--host', 'boasthost']);
    for (const [name, type] of [
      ['Dig\\032Me._http._tcp.local', 'SRV'],
      ['boasthost.local', 'A'],
    ] as const) {
      const dig = await lab()
        .host(1)
        .run(
          'dig',
          ['+time=2', '+tries=2', '+noall', '+answer', '+comments', '-p', '5353', '@192.0.2.10', name, type],
          { timeoutMs: 15_000 },
        );
      expect(dig.stdout, dig.stdout).toMatch(/status: NOERROR/);
      expect(dig.stdout).not.toMatch(/FORMERR|Warning: Message parser/);
      const answers = dig.stdout
        .split('\n')
        .filter((l) => l.startsWith(name.replace('\\032', '\\032')) || l.startsWith(`${name}.`));
      expect(answers.length, dig.stdout).toBeGreaterThan(0);
      for (const line of answers) {
        const ttl = Number(line.split(/\s+/)[1]);
        expect(ttl).toBeLessThanOrEqual(10);
      }
      if (type === 'A') expect(dig.stdout).toMatch(/\bA\s+192\.0\.2\.10\b/);
      else expect(dig.stdout).toMatch(/SRV\s+0 0 80 boasthost\.local\./);
    }
    await pub.process.stop();
  }, 40_000);
});

describe.skipIf(skip)('name conflicts with avahi and between boasters', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 3 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'conflict-avahi' });
  });

  const names = async (type: string, count: number): Promise<string[]> =>
    eventually(
      async () => {
        const r = await avahiBrowse(avahi, type, { resolve: false });
        const seen = [
          ...new Set(
            parseAvahiBrowse(r.stdout)
              .filter((e) => e.event === '+' && e.protocol === 'IPv4')
              .map((e) => e.name),
          ),
        ].sort();
        return seen.length >= count ? seen : undefined;
      },
      15_000,
      `${count} instances of ${type}`,
    );

  it('avahi already publishes NAME: boaster comes up as "NAME (2)" and both are visible', async () => {
    const avahiPub = lab()
      .host(1)
      .spawn('avahi-publish', ['-s', 'Shared Name', '_boaster-c1._tcp', '1111'], { env: avahi.env });
    await avahiPub.waitForOutput(/Established under name 'Shared Name'/, 10_000);
    const pub = await startPublish(lab().host(0), ['Shared Name', '_boaster-c1._tcp', '2222', '--host', 'boast-c1']);
    expect(pub.name).toBe('Shared Name (2)');
    expect(await names('_boaster-c1._tcp', 2)).toEqual(['Shared Name', 'Shared Name (2)']);
    await pub.process.stop();
    await avahiPub.stop();
  }, 40_000);

  it('boaster already publishes NAME: avahi-publish of NAME is the one renamed', async () => {
    const pub = await startPublish(lab().host(0), ['Held Name', '_boaster-c2._tcp', '3333', '--host', 'boast-c2']);
    const avahiPub = lab()
      .host(1)
      .spawn('avahi-publish', ['-s', 'Held Name', '_boaster-c2._tcp', '4444'], { env: avahi.env });
    const renamed = await avahiPub.waitForOutput(/Established under name '(.*?)'/, 15_000);
    expect(renamed[1]).not.toBe('Held Name');
    expect(pub.process.stdout).not.toMatch(/Renamed/);
    expect(await names('_boaster-c2._tcp', 2)).toEqual([renamed[1], 'Held Name'].sort());
    await avahiPub.stop();
    await pub.process.stop();
  }, 40_000);

  it('two Responders in one process interoperate: the second of one name is renamed, both are visible', async () => {
    const proc = lab()
      .host(0)
      .spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./two-in-one.ts', import.meta.url))], {
        cwd: root,
      });
    const line = await proc.waitForOutput(/^\{"names".*$/m, 20_000);
    const { names: twins } = JSON.parse(line[0]) as { names: string[] };
    expect(twins).toEqual(['Twin Service', 'Twin Service (2)']);
    expect(await names('_boaster-twin._tcp', 2)).toEqual(['Twin Service', 'Twin Service (2)']);
    await proc.stop();
    expect(proc.exitStatus?.code).toBe(0);
  }, 40_000);

  it('two boaster publish of one name started at the same moment on two hosts end with two distinct names', async () => {
    const [a, b] = await Promise.all([
      startPublish(lab().host(0), ['Race Name', '_boaster-c3._tcp', '5555', '--host', 'racer-a']),
      startPublish(lab().host(2), ['Race Name', '_boaster-c3._tcp', '6666', '--host', 'racer-b']),
    ]);
    expect(new Set([a.name, b.name]).size).toBe(2);
    expect(await names('_boaster-c3._tcp', 2)).toEqual([a.name, b.name].sort());
    await Promise.all([a.process.stop(), b.process.stop()]);
  }, 40_000);
});
