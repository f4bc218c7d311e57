/**
 * The announcer's configuration (JSON or TOML) and its TXT: defaults,
 * overrides, errors that name the field, and TXT within RFC 6763 §6 limits
 * with every field optional.
 */
import { describe, expect, it } from 'vitest';
import { encodeTxt, txtWarnings } from '../../../src/index.js';
import {
  checkConfig,
  ConfigError,
  DEFAULT_SERVICES,
  parseConfig,
} from '../../../examples/hypervisor-announcer/src/config.js';
import { hostTxt } from '../../../examples/hypervisor-announcer/src/host-txt.js';

describe('announcer configuration', () => {
  it('defaults: _hypervisor._tcp on 443 and _ssh._tcp on 22, addresses looked at every second', () => {
    expect(checkConfig({})).toEqual({
      interface: undefined,
      hostName: undefined,
      services: DEFAULT_SERVICES,
      pollMs: 1000,
      logJson: false,
      vms: { file: undefined, dir: undefined, virsh: false },
    });
  });

  it('TOML and JSON say the same', () => {
    const toml = `interface = "eth0"\nhostName = "node17"\nvms = { dir = "/var/lib/vms" }\n\n[[services]]\ntype = "_hypervisor._tcp"\nport = 8443\ntxt = { rack = "R12", u = 7 }\n`;
    const json = JSON.stringify({
      interface: 'eth0',
      hostName: 'node17',
      vms: { dir: '/var/lib/vms' },
      services: [{ type: '_hypervisor._tcp', port: 8443, txt: { rack: 'R12', u: 7 } }],
    });
    const expected = {
      interface: 'eth0',
      hostName: 'node17',
      services: [{ name: undefined, type: '_hypervisor._tcp', port: 8443, txt: { rack: 'R12', u: '7' } }],
      pollMs: 1000,
      logJson: false,
      vms: { file: undefined, dir: '/var/lib/vms', virsh: false },
    };
    expect(parseConfig(toml, 'a.toml')).toEqual(expected);
    expect(parseConfig(json, 'a.json')).toEqual(expected);
  });

  it('errors name the file, the field and the fix', () => {
    const cases: [string, string, RegExp][] = [
      ['a.toml', 'interface = ', /^a\.toml is not valid TOML/],
      ['a.json', '{', /^a\.json is not valid JSON/],
      [
        'a.json',
        '{"services": [{"type": "_ssh._tcp", "port": 70000}]}',
        /^a\.json: services\[0\]\.port must be a whole number from 0 to 65535, got 70000$/,
      ],
      ['a.json', '{"services": [{"port": 22}]}', /services\[0\]\.type is missing/],
      ['a.json', '{"services": []}', /services must be a non-empty list/],
      [
        'a.json',
        '{"pollms": 5}',
        /"pollms" is not a setting; the settings are interface, hostName, services, pollMs, logJson, vms/,
      ],
      [
        'a.json',
        '{"services": [{"type": "_ssh._tcp", "port": 22, "proto": "tcp"}]}',
        /services\[0\]\.proto is not a service setting/,
      ],
      ['a.json', '{"pollMs": 50}', /pollMs must be a whole number of ms from 200 to 600000/],
    ];
    for (const [file, text, message] of cases) expect(() => parseConfig(text, file)).toThrow(message);
    expect(() => parseConfig('[1]', 'x.json')).toThrow(ConfigError);
  });
});

describe('announcer TXT', () => {
  const identity = {
    uuid: '4C4C4544-0042-3510-8051-B4C04F503132',
    serial: 'SN-0042',
    vendor: 'Dell Inc.',
    model: 'PowerEdge R650',
    mac: ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02'],
  };
  const facts = {
    hypervisor: 'proxmox' as const,
    hypervisorVersion: '8.2.4',
    guestOf: undefined,
    bootedAt: Date.UTC(2026, 11, 1, 9, 0, 0),
  };
  const addresses = [
    { address: '192.0.2.50', family: 4 as const, source: 'dhclient' as const, leaseFile: undefined },
    { address: '2001:db8::50', family: 6 as const, source: 'kernel-dynamic' as const, leaseFile: undefined },
  ];

  it('identity, the announcing MAC, the hypervisor, the boot time and the addresses, short keys, no warning', () => {
    const txt = hostTxt(identity, 'aa:bb:cc:00:00:02', facts, addresses, { rack: 'R12' });
    expect(txt).toEqual({
      uuid: '4c4c4544-0042-3510-8051-b4c04f503132',
      serial: 'SN-0042',
      mac: 'aa:bb:cc:00:00:02',
      vendor: 'Dell Inc.',
      model: 'PowerEdge R650',
      txtvers: '1',
      hv: 'proxmox',
      hvver: '8.2.4',
      boot: '2026-12-01T09:00:00Z',
      ip4: '192.0.2.50',
      ip6: '2001:db8::50',
      rack: 'R12',
    });
    expect(txtWarnings(encodeTxt(txt))).toEqual([]);
    expect(Object.keys(txt).every((k) => k.length <= 9)).toBe(true);
  });

  it('a host that tells nothing still gets a valid TXT', () => {
    expect(
      hostTxt(
        { mac: [] },
        undefined,
        { hypervisor: undefined, hypervisorVersion: undefined, guestOf: undefined, bootedAt: undefined },
        [],
      ),
    ).toEqual({ txtvers: '1' });
  });

  it('many IPv6 addresses: as many as fit in one TXT string', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      address: `2001:db8:0:1:4a3f:${i.toString(16)}ab:1234:5678`,
      family: 6 as const,
      source: 'kernel-dynamic' as const,
      leaseFile: undefined,
    }));
    const txt = hostTxt(
      { mac: [] },
      undefined,
      { hypervisor: undefined, hypervisorVersion: undefined, guestOf: undefined, bootedAt: undefined },
      many,
    );
    expect(`ip6=${String(txt['ip6'])}`.length).toBeLessThanOrEqual(255);
    expect(String(txt['ip6']).split(',').length).toBeGreaterThan(5);
    expect(() => encodeTxt(txt)).not.toThrow();
  });
});
