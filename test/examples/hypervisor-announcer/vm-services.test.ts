/**
 * The announcer's VM services on the fake transport: a VM whose name the
 * API refuses is logged and skipped while the others are published, later
 * syncs still work, a long VM name is cut to fit the label, and a removed
 * VM is withdrawn.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vmSpec, VmServices } from '../../../examples/hypervisor-announcer/src/vm-services.js';
import { Mdns } from '../../../src/api/mdns.js';
import { fakeTransport, useFakeClock } from '../../protocol/helpers.js';

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

describe('VmServices', () => {
  it('skips a VM it cannot publish, goes on with the rest and with later syncs', async () => {
    const mdns = new Mdns({ transport: fakeTransport(), hostName: 'node17', random: () => 0.5 });
    const lines: string[] = [];
    const vms = new VmServices(
      mdns,
      () => 'node17',
      (event, fields) => lines.push(`${event} ${String(fields?.['uuid'] ?? '')}`),
    );
    const first = vms.sync([
      { uuid: 'u1', name: 'web01', state: 'running' },
      { uuid: 'bad', name: 'bell\u0007', state: 'running' },
    ]);
    await vi.advanceTimersByTimeAsync(2000);
    await first;
    expect(vms.size).toBe(1);
    expect(lines).toContain('vm-failed bad');
    const second = vms.sync([{ uuid: 'u2', name: 'db02', state: 'running' }]);
    await vi.advanceTimersByTimeAsync(2000);
    await second;
    expect(lines).toEqual(expect.arrayContaining(['vm-added u1', 'vm-removed u1', 'vm-added u2']));
    expect(vms.size).toBe(1);
    expect(mdns.responder.services.map((s) => s.name)).toEqual(['db02 @ node17']);
    await mdns.close();
  });

  it('cuts a long VM name at a character so the instance label fits 63 bytes', () => {
    const name = vmSpec({ uuid: 'u', name: `${'é'.repeat(40)}`, state: 'running' }, 'hypervisor-node-17').name;
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(63);
    expect(name.endsWith(' @ hypervisor-node-17')).toBe(true);
    expect(name).not.toContain('\uFFFD');
  });
});
