/**
 * boaster's querier (Mdns.browse, Mdns.resolveHost) against real peers in
 * the lab. h0 runs browse-driver.ts (one Mdns on eth0, IPv4 and IPv6, one
 * JSON line per browser event); h1 runs avahi-daemon + avahi-publish; h2
 * runs python-zeroconf (zc_peer.py, driven on stdin).
 *
 * - 'up' (RFC 6763 §4, §5, §6, §12): PTR, SRV, TXT and an address of the
 *   SRV target, decoded: instance names are UTF-8 with any characters
 *   (§4.1.1: spaces, dots, backslashes), TXT keys/values per §6.4–§6.6.
 *   The avahi service is published after the browser starts (found from
 *   avahi's announcements, RFC 6762 §8.3); the zeroconf one before it
 *   (found by boaster's own queries, RFC 6762 §5.2).
 * - 'update': zeroconf's update_service re-announces the TXT with the
 *   cache-flush bit (RFC 6762 §8.4, §10.2).
 * - 'down': a goodbye is a record with TTL 0, deleted one second later
 *   (RFC 6762 §10.1), so 'down' must come ~1 s after the withdrawal; we
 *   require < 2 s, measured from the SIGTERM / the unregister command.
 * - resolveHost: a one-shot A/AAAA query for avahi's host name (RFC 6762 §5.1).
 *
 * Timestamps: the driver prints Date.now() of each event; the test takes
 * its own just before the withdrawal (same machine clock, other namespace).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate, PYTHON } from '../lab/availability.js';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { avahiPublish } from '../lab/avahi-client.js';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';
import { useLab } from '../lab/use-lab.js';
import { sleep, waitUntil } from '../lab/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));

const skip = labGate(
  ['unshare', 'avahi-daemon', 'dbus-daemon', 'avahi-publish', 'python-zeroconf'],
  'interop: boaster browse against avahi and python-zeroconf',
);

const AVAHI_HOST = 'peer-avahi';
/** RFC 6762 §10.1: goodbye → deleted 1 s later; the bound the test holds boaster to. */
const DOWN_BOUND_MS = 2_000;

interface Address {
  address: string;
  family: 4 | 6;
  interface: string;
}
interface Seen {
  name: string;
  type: string;
  domain: string;
  fqdn: string;
  host: string;
  port: number;
  addresses: Address[];
  txt: Record<string, string | true>;
  txtRaw: string[];
  interfaces: string[];
}
interface DriverLine {
  kind: 'ready' | 'up' | 'update' | 'down' | 'resolved' | 'resolve-failed' | 'error';
  at: number;
  service?: Seen;
  previousTxt?: Record<string, string | true>;
  name?: string;
  family?: 4 | 6 | null;
  addresses?: string[];
  ms?: number;
  code?: string;
  message?: string;
}

/** A running browse-driver.ts, and its lines so far. */
class Driver {
  constructor(readonly proc: LabProcess) {}

  /** Complete JSON lines printed so far. */
  get lines(): DriverLine[] {
    const parts = this.proc.stdout.split('\n');
    parts.pop();
    return parts.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as DriverLine);
  }

  events(name: string): DriverLine[] {
    return this.lines.filter((l) => l.service?.name === name);
  }

  /** The first line matching `pred` (bounded wait), with the driver's output in the error. */
  async line(pred: (l: DriverLine) => boolean, timeoutMs: number, what: string): Promise<DriverLine> {
    try {
      return await waitUntil(() => this.lines.find(pred), { timeoutMs, intervalMs: 20, what });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${this.proc.tail()}`);
    }
  }
}

async function startDriver(host: Host, config: Record<string, unknown>): Promise<Driver> {
  const proc = host.spawn(
    process.execPath,
    ['--import', 'tsx', here('browse-driver.ts'), JSON.stringify({ ifname: host.ifname, ipv6: true, ...config })],
    {
      cwd: root,
      label: `browse-driver@${host.name}`,
    },
  );
  const driver = new Driver(proc);
  try {
    await driver.line((l) => l.kind === 'ready', 20_000, 'browse-driver ready');
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return driver;
}

/** Fields an 'up' of `name` must show: everything but the TXT and addresses, which are checked apart. */
function expectService(
  seen: Seen | undefined,
  want: { name: string; fqdn: string; type: string; host: string; port: number; ipv4: string },
): void {
  expect(seen).toMatchObject({
    name: want.name,
    type: want.type,
    domain: 'local',
    fqdn: want.fqdn,
    host: want.host,
    port: want.port,
    interfaces: ['eth0'],
  });
  expect(seen?.addresses).toContainEqual({ address: want.ipv4, family: 4, interface: 'eth0' });
  // Only addresses of that host: its IPv4 and, from avahi, its IPv6 link-local with the zone (RFC 6762 §6.2 additionals).
  for (const a of seen?.addresses ?? [])
    expect(a.address === want.ipv4 || /^fe80::[0-9a-f:]+%eth0$/.test(a.address), a.address).toBe(true);
}

describe.skipIf(skip)('Mdns.browse / resolveHost against avahi and python-zeroconf', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 3 }, async (l) => {
    avahi = await startAvahi(l.host(1), { hostName: AVAHI_HOST });
  });

  it('avahi-publish: up with name (space, dot, backslash, UTF-8), host, port, address, TXT; SIGTERM → down < 2 s', async () => {
    const h1 = lab().host(1);
    // RFC 6763 §4.1.1: any UTF-8; on the wire one label, in presentation form "\." and "\\".
    const name = 'Büro Drucker. 2 back\\slash';
    const type = '_boaster-av._tcp';
    const driver = await startDriver(lab().host(0), { browse: [type] });
    try {
      const pub = await avahiPublish(avahi, {
        name,
        type,
        port: 6310,
        txt: ['note=hello world', 'flag', 'utf=grüße', 'empty=', 'Mixed=Case'],
      });
      expect(pub.establishedName).toBe(name);
      const up = await driver.line((l) => l.kind === 'up' && l.service?.name === name, 10_000, `up of "${name}"`);
      expectService(up.service, {
        name,
        fqdn: `Büro Drucker\\. 2 back\\\\slash.${type}.local`,
        type,
        host: `${AVAHI_HOST}.local`,
        port: 6310,
        ipv4: h1.ipv4,
      });
      // RFC 6763 §6.4: keys case-insensitive (lower-cased here); §6.5: "flag" alone is true, "empty=" an empty value.
      expect(up.service?.txt).toEqual({ note: 'hello world', flag: true, utf: 'grüße', empty: '', mixed: 'Case' });

      const t0 = Date.now();
      expect(pub.process.signal('SIGTERM')).toBe(true);
      const down = await driver.line((l) => l.kind === 'down' && l.service?.name === name, 5_000, `down of "${name}"`);
      const latency = down.at - t0;
      console.info(`[browse.lab] avahi: down ${latency} ms after SIGTERM to avahi-publish`);
      expect(latency).toBeGreaterThanOrEqual(0);
      expect(latency).toBeLessThan(DOWN_BOUND_MS);
      await pub.stop();
      expect(driver.events(name).map((l) => l.kind)).toEqual(['up', 'down']);
      expect(driver.lines.filter((l) => l.kind === 'error')).toEqual([]);
    } finally {
      await driver.proc.stop();
    }
  }, 60_000);

  it('python-zeroconf: up, update_service → update with the new TXT, unregister_service → down < 2 s', async () => {
    const h2 = lab().host(2);
    const name = 'Zeroconf Küche 3';
    const type = '_boaster-zc._tcp';
    const cfg = {
      interface: h2.ipv4,
      name,
      type,
      port: 8443,
      server: 'zc-peer.local.',
      txt: { path: '/ä', ver: '1', bare: null },
      lifetime: 60,
    };
    const zc = h2.spawn(PYTHON, ['-u', '-B', here('zc_peer.py'), JSON.stringify(cfg)], { label: `zc_peer@${h2.name}` });
    let driver: Driver | undefined;
    try {
      await zc.waitForOutput(/^READY /m, 15_000);
      driver = await startDriver(lab().host(0), { browse: [type] });
      const d = driver;
      const up = await d.line((l) => l.kind === 'up' && l.service?.name === name, 10_000, `up of "${name}"`);
      expectService(up.service, {
        name,
        fqdn: `${name}.${type}.local`,
        type,
        host: 'zc-peer.local',
        port: 8443,
        ipv4: h2.ipv4,
      });
      expect(up.service?.txt).toEqual({ path: '/ä', ver: '1', bare: true });

      // Let zeroconf's answers to boaster's first queries go out first: it queues the records of an
      // answer for 20–120 ms (up to 1.2 s for ones multicast in the last second, RFC 6762 §6, §14)
      // and sends them even after update_service, stale. Such a stale TXT is, for a moment, the
      // newest boaster has (it is flushed once the new one comes again: record-cache.ts), so
      // without this pause the events can be update(new) → update(old) → update(new).
      await sleep(2_500);
      const tUpdate = Date.now();
      zc.write(`update ${JSON.stringify({ path: '/ö', ver: '2' })}\n`);
      await zc.waitForOutput(/^UPDATED /m, 10_000);
      const update = await d.line((l) => l.kind === 'update' && l.service?.name === name, 5_000, `update of "${name}"`);
      expect(update.service?.txt).toEqual({ path: '/ö', ver: '2' });
      expect(update.previousTxt).toEqual({ path: '/ä', ver: '1', bare: true });
      expect(update.service).toMatchObject({ host: 'zc-peer.local', port: 8443 });
      console.info(`[browse.lab] zeroconf: update ${update.at - tUpdate} ms after update_service`);

      const t0 = Date.now();
      zc.write('unregister\n');
      const down = await d.line((l) => l.kind === 'down' && l.service?.name === name, 5_000, `down of "${name}"`);
      const latency = down.at - t0;
      console.info(`[browse.lab] zeroconf: down ${latency} ms after unregister_service`);
      expect(latency).toBeGreaterThanOrEqual(0);
      expect(latency).toBeLessThan(DOWN_BOUND_MS);
      await zc.waitForOutput(/^UNREGISTERED /m, 5_000);
      expect(down.service?.txt).toEqual({ path: '/ö', ver: '2' });
      expect(d.events(name).map((l) => l.kind)).toEqual(['up', 'update', 'down']);
      expect(d.lines.filter((l) => l.kind === 'error')).toEqual([]);
      const exit = await Promise.race([
        zc.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 5_000)),
      ]);
      expect(exit?.code, zc.tail()).toBe(0);
    } finally {
      await driver?.proc.stop();
      await zc.stop();
    }
  }, 60_000);

  it(`resolveHost("${AVAHI_HOST}.local") returns avahi's IPv4 address (fresh cache: asked on the link)`, async () => {
    const h1 = lab().host(1);
    const name = `${AVAHI_HOST}.local`;
    // Nothing browsed, so the driver's cache knows nothing of h1 until it asks (RFC 6762 §5.1 one-shot query).
    const driver = await startDriver(lab().host(0), { resolveHost: [{ name }, { name, family: 4 }] });
    try {
      const answered = (family: 4 | null) => (l: DriverLine) =>
        (l.kind === 'resolved' || l.kind === 'resolve-failed') && l.family === family;
      const first = await driver.line(answered(null), 10_000, `resolveHost(${name})`);
      expect(first, JSON.stringify(first)).toMatchObject({ kind: 'resolved', name });
      expect(first.addresses).toContain(h1.ipv4);
      expect(first.addresses?.[0]).toBe(h1.ipv4); // IPv4 first
      const v4 = await driver.line(answered(4), 10_000, `resolveHost(${name}, { family: 4 })`);
      expect(v4).toMatchObject({ kind: 'resolved', addresses: [h1.ipv4] });
      console.info(
        `[browse.lab] resolveHost: ${first.ms} ms → ${JSON.stringify(first.addresses)}; family 4: ${v4.ms} ms`,
      );
      expect(driver.lines.filter((l) => l.kind === 'error')).toEqual([]);
    } finally {
      await driver.proc.stop();
    }
  }, 30_000);
});
