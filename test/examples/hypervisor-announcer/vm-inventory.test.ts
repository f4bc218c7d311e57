/**
 * The announcer's VM inventory on fixtures: a JSON file (a list, or
 * `{ "vms": [...] }`), a directory of files, `virsh list --all` with its
 * `--uuid` twin, problems said (not thrown), one entry per UUID.
 */
import { describe, expect, it } from 'vitest';
import type { HostView } from '../../../examples/hypervisor-announcer/src/host-view.js';
import { fakeHost } from './fake-host.js';
import {
  parseInventory,
  parseVirshList,
  readInventory,
} from '../../../examples/hypervisor-announcer/src/vm-inventory.js';

const VIRSH = ` Id   Name      State
-------------------------
 1    web01     running
 -    db02      shut off
 3    build-7   paused
`;
const UUIDS =
  'A1B2C3D4-0000-4000-8000-000000000001\nb1b2c3d4-0000-4000-8000-000000000002\nc1b2c3d4-0000-4000-8000-000000000003\n\n';

const host = (files: Record<string, string>, commands: Record<string, string> = {}): HostView =>
  fakeHost({ files, commands });

describe('VM inventory', () => {
  it('a JSON list or { vms }, states defaulted, bad entries said', () => {
    expect(
      parseInventory('[{"uuid":"U1","name":"web01","state":"running"},{"uuid":"u2","name":"db02"}]', 'f').vms,
    ).toEqual([
      { uuid: 'u1', name: 'web01', state: 'running' },
      { uuid: 'u2', name: 'db02', state: 'unknown' },
    ]);
    expect(parseInventory('{"vms":[{"uuid":"u3","name":"x"}]}', 'f').vms).toEqual([
      { uuid: 'u3', name: 'x', state: 'unknown' },
    ]);
    expect(parseInventory('[{"name":"no uuid"}]', 'inv.json').problems).toEqual([
      'inv.json[0]: a VM needs "uuid" and "name" strings',
    ]);
    expect(parseInventory('{', 'inv.json').problems[0]).toMatch(/^inv\.json is not valid JSON/);
  });

  it('virsh list --all, matched with --uuid in order', () => {
    expect(parseVirshList(VIRSH, UUIDS)).toEqual([
      { uuid: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'web01', state: 'running' },
      { uuid: 'b1b2c3d4-0000-4000-8000-000000000002', name: 'db02', state: 'shut off' },
      { uuid: 'c1b2c3d4-0000-4000-8000-000000000003', name: 'build-7', state: 'paused' },
    ]);
  });

  it('a file, a directory and virsh together; one entry per UUID; a missing file and a failing virsh said', async () => {
    const view = host(
      {
        '/etc/vms.json': '[{"uuid":"u1","name":"web01","state":"running"}]',
        '/run/vms/a.json': '{"uuid":"u1","name":"web01","state":"paused"}',
        '/run/vms/b.json': '[{"uuid":"u9","name":"lab"}]',
        '/run/vms/notes.txt': 'x',
      },
      { 'virsh list --all': VIRSH, 'virsh list --all --uuid': UUIDS },
    );
    const read = await readInventory(view, { file: '/etc/vms.json', dir: '/run/vms', virsh: true });
    expect(read.vms.map((v) => `${v.name}:${v.state}`)).toEqual([
      'web01:paused',
      'lab:unknown',
      'web01:running',
      'db02:shut off',
      'build-7:paused',
    ]);
    expect(read.problems).toEqual([]);
    const broken = await readInventory(host({}), { file: '/nope.json', virsh: true });
    expect(broken).toEqual({
      vms: [],
      problems: ['/nope.json cannot be read', 'virsh list failed (is libvirt running?)'],
    });
  });
});
