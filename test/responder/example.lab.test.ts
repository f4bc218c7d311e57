/**
 * The README's main job, examples/announce-host.mjs, announces the host with
 * its identity in TXT: run in a lab host (from source: tsx maps `boaster` to
 * src/ through tsconfig paths), browsed by avahi from another.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { browseUntil } from '../lab/avahi-client.js';
import { txtToRecord } from '../lab/avahi-parse.js';
import { useLab } from '../lab/use-lab.js';

const skip = labGate(['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse'], 'the announce-host example');
const root = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(skip)('examples/announce-host.mjs', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 2 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'example-peer' });
  });

  it('announces the host with its MAC in TXT, and Ctrl-C withdraws it', async () => {
    const example = lab()
      .host(0)
      .spawn(process.execPath, ['--import', 'tsx', 'examples/announce-host.mjs'], { cwd: root });
    const announced = await example.waitForOutput(/Announced as "(.*?)" on (.*?);/, 20_000);
    const [, name, host] = announced;
    const result = await browseUntil(
      avahi,
      '_boaster._tcp',
      (resolved) => resolved.some((e) => e.name === name && e.protocol === 'IPv4'),
      { attempts: 6 },
    );
    const entry = result.resolved.find((e) => e.name === name && e.protocol === 'IPv4');
    expect(entry).toMatchObject({ host, address: '192.0.2.10', port: 9 });
    const txt = txtToRecord(entry?.txt ?? []);
    expect(txt.txtvers).toBe('1');
    const mac = (await lab().host(0).runChecked('cat', ['/sys/class/net/eth0/address'])).stdout.trim().toLowerCase();
    expect(String(txt.mac).split(',')).toContain(mac);
    example.signal('SIGINT');
    await example.exited;
    expect(example.exitStatus?.code).toBe(0);
  }, 60_000);
});
