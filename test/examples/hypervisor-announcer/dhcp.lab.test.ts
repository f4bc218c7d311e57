/**
 * The hypervisor announcer on a real DHCP exchange (issue 13, lab): dnsmasq
 * serves DHCP on the lab link from h1; h0 drops its static address and
 * takes one from busybox udhcpc (its script sets the address with the
 * lease's lifetime and nothing else: no file of the machine is touched);
 * the announcer runs in h0, avahi-browse watches from h2, python-zeroconf
 * resolves it and node-discovery lists it from h1. Then dnsmasq hands out
 * another address and the client renews: within 5 s avahi-browse and
 * node-discovery show the new address (the A record and the TXT) and not
 * the old. Then SIGTERM: the node is gone within 2 s for both.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../../lab/availability.js';
import { startAvahi, type Avahi } from '../../lab/avahi.js';
import { avahiBrowse } from '../../lab/avahi-client.js';
import { txtToRecord } from '../../lab/avahi-parse.js';
import type { LabProcess } from '../../lab/process.js';
import { useLab } from '../../lab/use-lab.js';
import { sleep } from '../../lab/wait.js';
import { zeroconfBrowse } from '../../lab/zeroconf.js';
import { startCapture } from '../../lab/capture.js';
import { readMdnsPackets } from '../../conformance/packets.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = 'examples/hypervisor-announcer/src/main.ts';
const skip = labGate(
  ['unshare', 'dnsmasq', 'busybox', 'avahi-daemon', 'dbus-daemon', 'avahi-browse'],
  'the hypervisor announcer on a real DHCP exchange',
);
const FIRST = '192.0.2.100';
const SECOND = '192.0.2.101';
const CHANGE_MS = 5_000;
const GONE_MS = 2_000;

/** udhcpc's hook: the leased address with its lifetime, on bound and renew; flushed on deconfig. Nothing else. */
const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" scope global ;;
  bound|renew)
    if ! ip -4 -o addr show dev "$interface" | grep -q " $ip/"; then ip -4 addr flush dev "$interface" scope global; fi
    ip -4 addr replace "$ip/\${mask:-24}" dev "$interface" valid_lft "\${lease:-120}" preferred_lft "\${lease:-120}" ;;
esac
exit 0
`;

describe.skipIf(skip)('hypervisor announcer on a real DHCP exchange', () => {
  let avahi: Avahi;
  const lab = useLab({ hosts: 3 }, async (l) => {
    avahi = await startAvahi(l.host(2), { hostName: 'watcher', useIPv6: false });
  });

  function dnsmasq(address: string, tag: string): LabProcess {
    const h1 = lab().host(1);
    return h1.spawn(
      'dnsmasq',
      [
        '--no-daemon',
        '--conf-file=/dev/null',
        '--port=0',
        `--interface=${h1.ifname}`,
        '--bind-interfaces',
        '--dhcp-authoritative',
        `--dhcp-range=${address},${address},255.255.255.0,2m`,
        `--dhcp-leasefile=${join(lab().dir, `dnsmasq-${tag}.leases`)}`,
        `--pid-file=${join(lab().dir, `dnsmasq-${tag}.pid`)}`,
        '--log-dhcp',
      ],
      { label: `dnsmasq-${tag}` },
    );
  }

  let lastTxt: Record<string, unknown> = {};
  async function resolved(name: string): Promise<{ address: string; ip4: string } | undefined> {
    const r = await avahiBrowse(avahi, '_hypervisor._tcp', { timeoutMs: 8_000 });
    const e = r.resolved.find((x) => x.name === name && x.protocol === 'IPv4');
    if (!e) return undefined;
    lastTxt = txtToRecord(e.txt ?? []);
    return { address: e.address ?? '', ip4: String(lastTxt['ip4']) };
  }

  it('announces the leased address, follows a new lease within 5 s, and is gone within 2 s of SIGTERM', async () => {
    const h0 = lab().host(0);
    const script = join(lab().dir, 'udhcpc.sh');
    writeFileSync(script, UDHCPC_SCRIPT);
    chmodSync(script, 0o755);
    let server = dnsmasq(FIRST, 'a');
    await server.waitForOutput(/DHCP, IP range/, 10_000);
    await h0.runChecked('ip', ['-4', 'addr', 'flush', 'dev', h0.ifname, 'scope', 'global']);
    const client = h0.spawn(
      'busybox',
      ['udhcpc', '-f', '-i', h0.ifname, '-s', script, '-t', '10', '-T', '1', '-A', '1'],
      { label: 'udhcpc' },
    );
    let announcer: LabProcess | undefined;
    const h1 = lab().host(1);
    const capture = await startCapture(lab().link(0), { dir: lab().dir });
    const discovery = h1.spawn(process.execPath, ['--import', 'tsx', 'examples/node-discovery/src/main.ts', '--json'], {
      cwd: root,
      label: 'node-discovery',
    });
    try {
      await client.waitForOutput(new RegExp(`lease of ${FIRST.replace(/\./g, '\\.')} obtained`), 20_000);
      announcer = h0.spawn(process.execPath, ['--import', 'tsx', MAIN, '--host', 'node17'], {
        cwd: root,
        label: 'announcer',
      });
      await announcer.waitForOutput(/^announced name=node17 type=_hypervisor\._tcp/m, 20_000);
      expect(announcer.stdout).toMatch(
        new RegExp(`^addresses interface=${h0.ifname} addresses=${FIRST.replace(/\./g, '\\.')} source=.*udhcpc`, 'm'),
      );
      expect(await resolved('node17')).toEqual({ address: FIRST, ip4: FIRST });
      // The hardware identity in TXT: the announcing interface's MAC at least (DMI where readable).
      const mac = (await h0.runChecked('cat', [`/sys/class/net/${h0.ifname}/address`])).stdout.trim();
      expect(lastTxt).toMatchObject({ mac, txtvers: '1' });
      // python-zeroconf resolves it, and node-discovery lists it, at the leased address.
      const zc = await zeroconfBrowse(h1, ['_hypervisor._tcp'], { until: ['node17'], durationMs: 8_000 });
      expect(zc.find((x) => x.name === 'node17')).toMatchObject({
        port: 443,
        addresses: expect.arrayContaining([FIRST]),
        properties: expect.objectContaining({ mac, ip4: FIRST }),
      });
      await discovery.waitForOutput(
        /"event":"up","node":\{"name":"node17","host":"node17\.local","port":443,"addresses":\["192\.0\.2\.100"/,
        10_000,
      );

      // Another address from the server; the client renews, is refused, and takes the new one.
      await server.stop();
      server = dnsmasq(SECOND, 'b');
      await server.waitForOutput(/DHCP, IP range/, 10_000);
      const renewAt = Date.now();
      client.signal('SIGUSR1');
      await client.waitForOutput(new RegExp(`lease of ${SECOND.replace(/\./g, '\\.')} obtained`), 15_000);
      // The lease changed now: from here, the 5 s.
      const changedAt = Date.now();
      let seen: { address: string; ip4: string } | undefined;
      let shownAfter = Infinity;
      for (let i = 0; i < 20 && Date.now() - changedAt < CHANGE_MS + 3_000; i++) {
        // A browse shows what avahi's cache held when it started.
        const asked = Date.now();
        seen = await resolved('node17');
        if (seen?.address === SECOND && seen.ip4 === SECOND) {
          shownAfter = asked - changedAt;
          break;
        }
        await sleep(250);
      }
      expect(seen).toEqual({ address: SECOND, ip4: SECOND });
      // The old address said goodbye to (TTL 0, RFC 6762 §10.1) within 2 s of the lease changing.
      await sleep(2_500);
      const packets = await readMdnsPackets(await capture.stop());
      const goodbye = packets.find(
        (p) =>
          p.at >= renewAt &&
          p.msg?.type === 'response' &&
          (p.msg.answers ?? []).some((a) => a.type === 'A' && a.data === FIRST && a.ttl === 0),
      );
      expect(goodbye, 'no goodbye for the old address').toBeDefined();
      expect((goodbye?.at ?? Infinity) - changedAt).toBeLessThanOrEqual(2_000);
      const moved = await discovery.waitForOutput(
        /"event":"update","node":\{"name":"node17","host":"node17\.local","port":443,"addresses":\["192\.0\.2\.101"[^\n]*\n/,
        CHANGE_MS,
      );
      expect(moved[0]).not.toContain(FIRST);
      expect(shownAfter, 'the new address took too long to show').toBeLessThanOrEqual(CHANGE_MS);
      // The client drops the refused lease first (deconfig), then takes the new one: one log line each.
      expect(announcer.stdout).toMatch(/^address-changed from=192\.0\.2\.100 to= /m);
      expect(announcer.stdout).toMatch(/^address-changed from= to=192\.0\.2\.101 source=.*udhcpc/m);

      // SIGTERM: goodbyes, exit 0, gone from a continuous browse at once.
      const watch = avahi.host.spawn('avahi-browse', ['-p', '-k', '_hypervisor._tcp'], {
        env: avahi.env,
        label: 'avahi-browse',
      });
      try {
        await watch.waitForOutput(/^\+;[^;]*;IPv4;node17;/m, 10_000);
        const stopAt = Date.now();
        announcer.signal('SIGTERM');
        await watch.waitForOutput(/^-;[^;]*;IPv4;node17;/m, GONE_MS + 1_000);
        await discovery.waitForOutput(/"event":"down","node":\{"name":"node17"/, GONE_MS + 1_000);
        expect(Date.now() - stopAt).toBeLessThan(GONE_MS);
        await announcer.exited;
        expect(announcer.exitStatus?.code, announcer.tail()).toBe(0);
      } finally {
        await watch.stop();
      }
    } finally {
      await announcer?.stop();
      await discovery.stop();
      await capture.stop().catch(() => undefined);
      await client.stop();
      await server.stop();
    }
  }, 120_000);
});
