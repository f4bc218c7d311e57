/**
 * node-discovery's table on made-up browser events: rows from the
 * announcer's TXT keys, first and last seen, gone kept and sorted last,
 * a changed address replacing the old, and the text rendering.
 */
import { describe, expect, it } from 'vitest';
import { NodeTable } from '../../examples/node-discovery/src/node-table.js';
import type { ServiceInstance } from '../../src/index.js';

const instance = (address: string): ServiceInstance => ({
  name: 'node17',
  type: '_hypervisor._tcp',
  domain: 'local',
  fqdn: 'node17._hypervisor._tcp.local',
  host: 'node17.local',
  port: 443,
  priority: 0,
  weight: 0,
  addresses: [{ address, family: 4, interface: 'eth0' }],
  txt: {
    uuid: '4c4c4544-0042-3510-8051-b4c04f503132',
    vendor: 'Dell Inc.',
    model: 'PowerEdge R650',
    hv: 'proxmox',
    hvver: '8.2.4',
    mac: 'aa:bb:cc:00:00:01',
    flag: true,
  },
  txtRaw: [],
  interfaces: ['eth0'],
  expiresAt: 0,
});

describe('NodeTable', () => {
  it('keeps a row per node from up to down, with its identity and times', () => {
    let t = Date.UTC(2026, 11, 1, 12, 0, 0);
    const table = new NodeTable(() => new Date(t));
    expect(table.apply('up', instance('192.0.2.100'))).toMatchObject({
      event: 'up',
      node: {
        name: 'node17',
        addresses: ['192.0.2.100'],
        hypervisor: 'proxmox',
        hypervisorVersion: '8.2.4',
        model: 'PowerEdge R650',
        gone: false,
      },
    });
    t += 60_000;
    const moved = table.apply('update', instance('192.0.2.101')).node;
    expect(moved).toMatchObject({
      addresses: ['192.0.2.101'],
      firstSeen: '2026-12-01T12:00:00.000Z',
      lastSeen: '2026-12-01T12:01:00.000Z',
    });
    t += 60_000;
    expect(table.apply('down', instance('192.0.2.101')).node).toMatchObject({
      gone: true,
      lastSeen: '2026-12-01T12:02:00.000Z',
    });
    expect(table.nodes).toHaveLength(1);
    expect(table.render()).toContain(
      'node17  192.0.2.101  proxmox 8.2.4  Dell Inc. PowerEdge R650  4c4c4544-0042-3510-8051-b4c04f503132  0    gone 2026-12-01T12:02:00.000Z',
    );
    t += 60_000;
    expect(table.apply('up', instance('192.0.2.102')).node).toMatchObject({
      gone: false,
      firstSeen: '2026-12-01T12:03:00.000Z',
    });
  });

  it('attaches the VMs a node hosts by their TXT host, before or after the node appears, and drops those gone', () => {
    const table = new NodeTable(() => new Date(0));
    const vm = (name: string, state: string): ServiceInstance => ({
      ...instance('192.0.2.100'),
      name: `${name} @ node17`,
      type: '_hypervisor-vm._tcp',
      fqdn: `${name} @ node17._hypervisor-vm._tcp.local`,
      port: 0,
      txt: { uuid: `uuid-${name}`, name, state, host: 'node17' },
    });
    expect(table.applyVm('up', vm('web01', 'running'))).toBeUndefined();
    table.apply('up', instance('192.0.2.100'));
    expect(table.applyVm('up', vm('db02', 'shut off'))?.node.vms).toEqual([
      { uuid: 'uuid-db02', name: 'db02', state: 'shut off' },
      { uuid: 'uuid-web01', name: 'web01', state: 'running' },
    ]);
    expect(table.applyVm('update', vm('db02', 'running'))?.node.vms[0]).toEqual({
      uuid: 'uuid-db02',
      name: 'db02',
      state: 'running',
    });
    expect(table.applyVm('down', vm('web01', 'running'))?.node.vms.map((v) => v.name)).toEqual(['db02']);
  });
});
