import { describe, expect, it, vi } from 'vitest';
import { FakeTransport, fakeInterface } from '../../src/transport/fake-transport.js';

describe('the fake transport for unit tests', () => {
  it('records sends with the clock time and refuses unknown interfaces', async () => {
    let now = 5000;
    const transport = new FakeTransport([fakeInterface('eth0')], () => now);
    await transport.start();
    await transport.send(Uint8Array.of(1, 2), { interface: 'eth0', family: 4 });
    now += 250;
    await transport.send(Uint8Array.of(3), { interface: 'eth0', family: 6, address: 'fe80::99', port: 5353 });
    expect(transport.sent).toEqual([
      { data: Uint8Array.of(1, 2), target: { interface: 'eth0', family: 4 }, at: 5000 },
      { data: Uint8Array.of(3), target: { interface: 'eth0', family: 6, address: 'fe80::99', port: 5353 }, at: 5250 },
    ]);
    await expect(transport.send(Uint8Array.of(1), { interface: 'eth9', family: 4 })).rejects.toMatchObject({
      code: 'NO_INTERFACE',
    });
  });

  it('delivers packets and interface changes as events', async () => {
    const transport = new FakeTransport([fakeInterface('eth0')]);
    const packets = vi.fn();
    const up = vi.fn();
    const removed = vi.fn();
    transport.on('packet', packets);
    transport.on('interfaceUp', up);
    transport.on('addressRemoved', removed);
    await transport.start();
    transport.deliver({ data: Uint8Array.of(9), interface: 'eth0', source: { address: '192.0.2.50', port: 5353 } });
    expect(packets).toHaveBeenCalledWith(
      expect.objectContaining({ data: Uint8Array.of(9), interface: 'eth0', family: 4, destination: 'multicast' }),
    );
    transport.setInterfaces([fakeInterface('eth0', '192.0.2.11'), fakeInterface('eth1', '198.51.100.1', 'fe80::11')]);
    expect(up.mock.calls.map(([nic]) => nic.name)).toEqual(['eth0', 'eth1']);
    expect(removed.mock.calls.map(([nic, address]) => [nic.name, address.address])).toEqual([['eth0', '192.0.2.10']]);
  });

  it('does not deliver packets from port 0 or broadcast, multicast, unspecified or loopback sources, like the real transport', async () => {
    const transport = new FakeTransport([fakeInterface('eth0')]);
    const packets = vi.fn();
    transport.on('packet', packets);
    await transport.start();
    const from = (address: string, port = 5353, family: 4 | 6 = 4): void =>
      transport.deliver({ data: Uint8Array.of(1), interface: 'eth0', family, source: { address, port } });
    from('192.0.2.50', 0);
    from('fe80::50', 0, 6);
    for (const address of ['255.255.255.255', '192.0.2.255', '224.0.0.251', '0.0.0.0', '127.0.0.1']) from(address);
    for (const address of ['ff02::fb', '::', '::1']) from(address, 5353, 6);
    expect(packets).not.toHaveBeenCalled();
    expect(transport.stats).toMatchObject({ received: 10, delivered: 0 });
    expect(transport.stats.dropped).toMatchObject({ 'bad-port': 2, 'bad-source': 8 });
    from('192.0.2.50', 40000);
    expect(packets).toHaveBeenCalledTimes(1);
    expect(transport.stats).toMatchObject({ received: 11, delivered: 1 });
  });
});
