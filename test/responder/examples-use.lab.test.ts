/**
 * The examples for common uses (examples/http-server.mjs, printer.mjs,
 * homelab-host.mjs), each run in a lab host from source (tsx maps `boaster`
 * to src/), found by avahi-browse from another host with what it claims,
 * and ended by SIGTERM with exit 0.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { browseUntil } from '../lab/avahi-client.js';
import { txtToRecord } from '../lab/avahi-parse.js';
import type { LabProcess } from '../lab/process.js';
import { useLab } from '../lab/use-lab.js';

const skip = labGate(['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-browse'], 'the examples for common uses');
const root = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(skip)('examples for common uses', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 2 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: 'examples-peer', useIPv6: false });
  });

  async function run(
    script: string,
    args: string[],
    ready: RegExp,
  ): Promise<{ proc: LabProcess; match: RegExpMatchArray }> {
    const proc = lab()
      .host(0)
      .spawn(process.execPath, ['--import', 'tsx', `examples/${script}`, ...args], { cwd: root, label: script });
    return { proc, match: await proc.waitForOutput(ready, 20_000) };
  }

  async function end(proc: LabProcess): Promise<void> {
    proc.signal('SIGTERM');
    await proc.exited;
    expect(proc.exitStatus?.code, proc.tail()).toBe(0);
  }

  it('http-server.mjs: _http._tcp on the port the server got, path in TXT', async () => {
    const { proc, match } = await run('http-server.mjs', [], /announced "(.*?)" \(_http\._tcp\) on port (\d+)/);
    const [, name, port] = match;
    const found = await browseUntil(avahi, '_http._tcp', (r) => r.some((e) => e.name === name), { attempts: 6 });
    const entry = found.resolved.find((e) => e.name === name);
    expect(entry).toMatchObject({ address: '192.0.2.10', port: Number(port) });
    expect(txtToRecord(entry?.txt ?? [])).toMatchObject({ path: '/' });
    await end(proc);
  }, 60_000);

  it('printer.mjs: _ipp._tcp on 631 with the _universal subtype and its TXT, and _printer._tcp on port 0', async () => {
    const { proc } = await run('printer.mjs', ['Lab Printer'], /announced "Lab Printer"/);
    const ipp = await browseUntil(avahi, '_universal._sub._ipp._tcp', (r) => r.some((e) => e.name === 'Lab Printer'), {
      attempts: 6,
    });
    const entry = ipp.resolved.find((e) => e.name === 'Lab Printer');
    expect(entry).toMatchObject({ port: 631 });
    expect(txtToRecord(entry?.txt ?? [])).toMatchObject({ rp: 'ipp/print', ty: 'Lab Printer', txtvers: '1' });
    const lpd = await browseUntil(avahi, '_printer._tcp', (r) => r.some((e) => e.name === 'Lab Printer'), {
      attempts: 6,
    });
    expect(lpd.resolved.find((e) => e.name === 'Lab Printer')).toMatchObject({ port: 0 });
    await end(proc);
  }, 60_000);

  it('homelab-host.mjs: SSH, SFTP and the dashboard announced; an SSH neighbour on the link is listed', async () => {
    const neighbour = avahi.host.spawn('avahi-publish', ['-s', 'neighbour box', '_ssh._tcp', '22'], {
      env: avahi.env,
      label: 'avahi-publish',
    });
    try {
      await neighbour.waitForOutput(/Established under name/, 10_000);
      const { proc, match } = await run(
        'homelab-host.mjs',
        ['--dashboard-port', '8080'],
        /announced "(.*?)" \(_ssh\._tcp\)/,
      );
      const [, label] = match;
      await proc.waitForOutput(/neighbour up: neighbour box at 192\.0\.2\.11/, 10_000);
      for (const [type, port] of [
        ['_ssh._tcp', 22],
        ['_sftp-ssh._tcp', 22],
      ] as const) {
        const found = await browseUntil(avahi, type, (r) => r.some((e) => e.name === label), { attempts: 6 });
        expect(found.resolved.find((e) => e.name === label)).toMatchObject({ port });
      }
      const web = await browseUntil(avahi, '_http._tcp', (r) => r.some((e) => e.name === `${label} dashboard`), {
        attempts: 6,
      });
      expect(web.resolved.find((e) => e.name === `${label} dashboard`)).toMatchObject({ port: 8080 });
      await end(proc);
    } finally {
      await neighbour.stop();
    }
  }, 90_000);
});
