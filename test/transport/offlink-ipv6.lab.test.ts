/**
 * Issue 9, item 3 (the IPv6 side of CVE-2017-6519): a peer on the link sends
 * to ff02::fb from 2001:db8:7::7, a prefix the responder's interface does not
 * have. The transport took any source on its interface-bound group socket
 * for on-link, so the query was answered and an off-link response could
 * claim our name. Now IPv6 sources pass the on-link test of RFC 6762 §11
 * as IPv4 ones do — link-local, or inside one of the interface's prefixes —
 * on the group too, where §11 would waive it (see attribution.ts).
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { runPeer, TransportProcess } from './transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'off-link IPv6 lab tests');

/** Documentation space (RFC 3849): on the peer only, until the second test gives h0 the prefix. */
const OFF_LINK = '2001:db8:7::7';

type Stats = { dropped: Record<string, number> };

describe.skipIf(skip)('an off-link IPv6 source is dropped, not answered', () => {
  let transport: TransportProcess;
  const lab = useLab({ hosts: 2 }, async (l) => {
    // h1 gets a global address on eth0 besides its link-local one; h0 (the responder) has link-local only.
    await l.host(1).addAddress('eth0', `${OFF_LINK}/64`);
    await l.host(1).waitForIPv6('eth0'); // the address is usable for binding once DAD is done
    transport = await TransportProcess.start(l.host(0), { pollIntervalMs: 0 });
    await transport.command('echo', { on: true });
  });

  const offLinkCount = async (): Promise<number> =>
    ((await transport.command('stats')).stats as Stats).dropped['off-link'] ?? 0;

  it('a query and a response to ff02::fb from a global address on a prefix the interface lacks are dropped as off-link (RFC 6762 §11 on-link test); link-local still gets through', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const before = await offLinkCount();
    // runPeer binds its sending socket to `source`: the global address, explicitly.
    const heard = await runPeer(h1, {
      family: 6,
      source: OFF_LINK,
      listenMs: 800,
      send: [
        { data: 'off-link v6 query' },
        { data: 'off-link v6 response' },
        { data: 'off-link v6 unicast', to: h0.ipv6 },
      ],
    });
    const delivered = (): string[] => transport.packets().map((p) => p.payload);
    const dropped = await offLinkCount();
    expect(dropped - before).toBe(3);
    expect(delivered().filter((p) => p.startsWith('off-link'))).toEqual([]);
    expect(heard.filter((d) => d.payload.startsWith('echo '))).toEqual([]);

    const control = await runPeer(h1, {
      family: 6,
      source: h1.ipv6,
      listenMs: 800,
      send: [{ data: 'link-local v6 query' }],
    });
    expect(transport.packets()).toContainEqual(
      expect.objectContaining({
        interface: 'eth0',
        family: 6,
        destination: 'multicast',
        source: { address: h1.ipv6, port: 5353 },
        payload: 'link-local v6 query',
      }),
    );
    expect(control).toContainEqual(expect.objectContaining({ payload: 'echo eth0 link-local v6 query' }));
    expect(await offLinkCount()).toBe(dropped);
  }, 30_000);

  it('the same global source is on-link once the interface has its prefix', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    await h0.addAddress('eth0', '2001:db8:7::10/64');
    await h0.waitForIPv6('eth0');
    await transport.command('refresh');
    await transport.waitFor((e) => e.event === 'addressAdded' && e.address === '2001:db8:7::10');
    const before = await offLinkCount();
    const heard = await runPeer(h1, {
      family: 6,
      source: OFF_LINK,
      listenMs: 800,
      send: [{ data: 'on-link global v6 query' }],
    });
    expect(transport.packets()).toContainEqual(
      expect.objectContaining({
        interface: 'eth0',
        family: 6,
        destination: 'multicast',
        source: { address: OFF_LINK, port: 5353 },
        payload: 'on-link global v6 query',
      }),
    );
    expect(heard).toContainEqual(expect.objectContaining({ payload: 'echo eth0 on-link global v6 query' }));
    expect(await offLinkCount()).toBe(before);
  }, 30_000);
});
