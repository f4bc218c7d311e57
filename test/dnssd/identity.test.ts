import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TxtError } from '../../src/errors.js';
import {
  IDENTITY_MAX_MACS,
  identityTxt,
  isPlaceholderValue,
  normalizeMac,
  normalizeUuid,
  readHostIdentity,
} from '../../src/dnssd/identity.js';
import { decodeTxt, encodeTxt } from '../../src/dnssd/txt.js';
import { isVirtualInterfaceName } from '../../src/transport/interface-names.js';
import { thrown } from '../helpers/errors.js';

const txtError = (fn: () => unknown): TxtError => thrown(TxtError, fn);

/** A fake interface entry. */
function nic(mac: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4'): os.NetworkInterfaceInfo {
  const common = { netmask: '255.255.255.0', mac, internal, cidr: null };
  return family === 'IPv4'
    ? { ...common, address: '192.0.2.1', family: 'IPv4' }
    : { ...common, address: 'fe80::1', family: 'IPv6', scopeid: 1 };
}

describe('normalizeUuid', () => {
  it.each([
    ['4C4C4544-0042-3510-8052-B3C04F4B4E32'],
    ['4c4c4544-0042-3510-8052-b3c04f4b4e32'],
    ['{4C4C4544-0042-3510-8052-B3C04F4B4E32}'],
    ['urn:uuid:4c4c4544-0042-3510-8052-b3c04f4b4e32'],
    ['4C4C4544004235108052B3C04F4B4E32'],
    ['  4c4c4544-0042-3510-8052-b3c04f4b4e32\n'],
  ])('normalises %j', (input) => {
    expect(normalizeUuid(input)).toBe('4c4c4544-0042-3510-8052-b3c04f4b4e32');
  });

  it.each([
    ['not-a-uuid'],
    ['4c4c4544-0042-3510-8052-b3c04f4b4e3'],
    ['4c4c4544-0042-3510-8052-b3c04f4b4e3g'],
    ['4c4c45440-042-3510-8052-b3c04f4b4e32'],
  ])('rejects %j with BAD_VALUE', (input) => {
    const err = txtError(() => normalizeUuid(input));
    expect(err.code).toBe('BAD_VALUE');
    expect(err.message).toContain('not a UUID');
  });
});

describe('normalizeMac', () => {
  it.each([
    ['AA:BB:CC:DD:EE:0F'],
    ['aa-bb-cc-dd-ee-0f'],
    ['aabb.ccdd.ee0f'],
    ['AABBCCDDEE0F'],
    ['aa:bb:cc:dd:ee:f'],
    [' aa:bb:cc:dd:ee:0f '],
  ])('normalises %j', (input) => {
    expect(normalizeMac(input)).toBe('aa:bb:cc:dd:ee:0f');
  });

  it.each([
    ['aa:bb:cc:dd:ee'],
    ['aa:bb-cc:dd:ee:ff'],
    ['aabb.ccdd.eef'],
    ['gg:bb:cc:dd:ee:ff'],
    ['aa:bb:cc:dd:ee:ff:00'],
    [''],
  ])('rejects %j with BAD_VALUE', (input) => {
    expect(txtError(() => normalizeMac(input)).code).toBe('BAD_VALUE');
  });
});

describe('isPlaceholderValue', () => {
  it.each([
    'To Be Filled By O.E.M.',
    'to be filled by o.e.m',
    'Default string',
    'System Serial Number',
    'Not Specified',
    'None',
    '0123456789',
    'N/A',
    '0',
    '0000000000',
    'XXXXXXXX',
    '  ',
    '...',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '03000200-0400-0500-0006-000700080009',
  ])('treats %j as a placeholder', (value) => {
    expect(isPlaceholderValue(value)).toBe(true);
  });

  it.each(['Dell Inc.', 'PowerEdge R740', 'CN7016', '4c4c4544-0042-3510-8052-b3c04f4b4e32', 'QEMU'])(
    'keeps %j',
    (value) => {
      expect(isPlaceholderValue(value)).toBe(false);
    },
  );
});

describe('identityTxt', () => {
  it('builds short keys with normalised, trimmed values in a fixed order', () => {
    const txt = identityTxt({
      model: ' PowerEdge R740 ',
      vendor: 'Dell Inc.',
      mac: ['AA-BB-CC-DD-EE-FF', '0011.2233.4455', 'aa:bb:cc:dd:ee:ff'],
      serial: 'CN7016\n',
      uuid: '{4C4C4544-0042-3510-8052-B3C04F4B4E32}',
    });
    expect(txt).toEqual({
      uuid: '4c4c4544-0042-3510-8052-b3c04f4b4e32',
      serial: 'CN7016',
      mac: 'aa:bb:cc:dd:ee:ff,00:11:22:33:44:55',
      vendor: 'Dell Inc.',
      model: 'PowerEdge R740',
    });
    expect(Object.keys(txt)).toEqual(['uuid', 'serial', 'mac', 'vendor', 'model']);
    for (const key of Object.keys(txt)) expect(key.length).toBeLessThanOrEqual(9);
    const warnings: string[] = [];
    expect(decodeTxt(encodeTxt(txt, { onWarning: (m) => warnings.push(m) }))).toEqual(txt);
    expect(warnings).toEqual([]);
  });

  it('accepts a single MAC string, or several separated by commas or spaces', () => {
    expect(identityTxt({ mac: 'AABBCCDDEEFF' })).toEqual({ mac: 'aa:bb:cc:dd:ee:ff' });
    expect(identityTxt({ mac: 'aabbccddeeff, 001122334455 665544332211' }).mac).toBe(
      'aa:bb:cc:dd:ee:ff,00:11:22:33:44:55,66:55:44:33:22:11',
    );
  });

  it('omits empty, whitespace and placeholder values', () => {
    expect(
      identityTxt({
        uuid: '03000200-0400-0500-0006-000700080009',
        serial: 'To Be Filled By O.E.M.',
        vendor: '   ',
        model: 'Default string',
        mac: ['00:00:00:00:00:00', 'ff-ff-ff-ff-ff-ff', ' '],
      }),
    ).toEqual({});
    expect(identityTxt({ uuid: '00000000-0000-0000-0000-000000000000', serial: 'None', vendor: null })).toEqual({});
    expect(identityTxt({ serial: 'System Serial Number', model: 'Not Specified', vendor: '0123456789' })).toEqual({});
  });

  it('rejects a malformed UUID or MAC with BAD_VALUE', () => {
    expect(txtError(() => identityTxt({ uuid: '1234-abcd' })).code).toBe('BAD_VALUE');
    const err = txtError(() => identityTxt({ mac: ['aa:bb:cc:dd:ee:ff', 'zz:bb:cc:dd:ee:ff'] }));
    expect(err.code).toBe('BAD_VALUE');
    expect(err.message).toContain('zz:bb:cc:dd:ee:ff');
  });

  it(`fits ${IDENTITY_MAX_MACS} MACs in one string and rejects more with STRING_TOO_LONG`, () => {
    const macs = Array.from(
      { length: IDENTITY_MAX_MACS + 1 },
      (_, i) => `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
    );
    const ok = identityTxt({ mac: macs.slice(0, IDENTITY_MAX_MACS) });
    expect(encodeTxt(ok)[0]).toHaveLength(255);
    const err = txtError(() => identityTxt({ mac: macs }));
    expect(err.code).toBe('STRING_TOO_LONG');
    expect(err.message).toMatch(/fewer/);
    expect(err.message).toContain(String(IDENTITY_MAX_MACS));
  });

  it('rejects an over-long text value with STRING_TOO_LONG', () => {
    expect(txtError(() => identityTxt({ model: 'Model X '.repeat(32) })).code).toBe('STRING_TOO_LONG');
  });

  it('appends extra keys after the identity keys', () => {
    const txt = identityTxt({ serial: 'S1' }, { role: 'gateway', txtvers: 1 });
    expect(Object.keys(txt)).toEqual(['serial', 'role', 'txtvers']);
    expect(
      identityTxt({}, [
        ['b', true],
        ['a', '1'],
      ]),
    ).toEqual({ b: true, a: '1' });
  });

  it('never lets extra keys override identity keys, even if the identity field is empty', () => {
    const err = txtError(() => identityTxt({ serial: 'S1' }, { Serial: 'S2' }));
    expect(err.code).toBe('DUPLICATE_KEY');
    expect(err.message).toContain('identity.serial');
    expect(txtError(() => identityTxt({}, { MAC: 'x' })).code).toBe('DUPLICATE_KEY');
    expect(
      txtError(() =>
        identityTxt({}, [
          ['role', 'a'],
          ['ROLE', 'b'],
        ]),
      ).code,
    ).toBe('DUPLICATE_KEY');
  });

  it('keeps an extra "__proto__" key as an own key', () => {
    const txt = identityTxt({}, [['__proto__', 'x']]);
    expect(Object.keys(txt)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(txt)).toBe(Object.prototype);
  });
});

describe('isVirtualInterfaceName', () => {
  it.each(['lo', 'lo0', 'docker0', 'veth12ab', 'br-3f2a', 'virbr0', 'vnet3', 'tap0', 'tun0', 'wg0', 'cni0'])(
    '%s is virtual',
    (name) => expect(isVirtualInterfaceName(name)).toBe(true),
  );
  it.each(['eth0', 'enp3s0', 'wlan0', 'br0', 'bond0', 'eno1', 'ens192', 'local'])('%s is not', (name) =>
    expect(isVirtualInterfaceName(name)).toBe(false),
  );
});

describe('readHostIdentity', () => {
  let root: string;
  let dmi: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'boaster-identity-'));
    dmi = path.join(root, 'class', 'dmi', 'id');
    await mkdir(dmi, { recursive: true });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const interfaces = (): NodeJS.Dict<os.NetworkInterfaceInfo[]> => ({
    wlan0: [nic('66:55:44:33:22:11')],
    lo: [nic('00:00:00:00:00:00', true)],
    eth0: [nic('AA:BB:CC:DD:EE:01'), nic('aa:bb:cc:dd:ee:01', false, 'IPv6')],
    docker0: [nic('02:42:ac:11:00:01')],
    veth1a2b: [nic('02:42:ac:11:00:02')],
    'br-12ab': [nic('02:42:ac:11:00:03')],
    virbr0: [nic('52:54:00:00:00:01')],
    br0: [nic('aa:bb:cc:dd:ee:01')],
    enp3s0: [nic('aa:bb:cc:dd:ee:02')],
    eth9: undefined,
    weird: [nic('00:00:00:00:00:00'), nic('not-a-mac')],
  });

  it('reads DMI files and physical-looking MACs', async () => {
    await writeFile(path.join(dmi, 'product_uuid'), '4C4C4544-0042-3510-8052-B3C04F4B4E32\n');
    await writeFile(path.join(dmi, 'product_serial'), 'CN7016\n');
    await writeFile(path.join(dmi, 'sys_vendor'), 'Dell Inc.\n');
    await writeFile(path.join(dmi, 'product_name'), 'PowerEdge R740\n');
    const id = await readHostIdentity({ sysfsRoot: root, networkInterfaces: interfaces });
    expect(id).toEqual({
      uuid: '4c4c4544-0042-3510-8052-b3c04f4b4e32',
      serial: 'CN7016',
      vendor: 'Dell Inc.',
      model: 'PowerEdge R740',
      // sorted by name: br0, enp3s0, eth0 (same MAC as br0), eth9 (none), weird (none), wlan0
      mac: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02', '66:55:44:33:22:11'],
    });
    expect(identityTxt(id).mac).toBe('aa:bb:cc:dd:ee:01,aa:bb:cc:dd:ee:02,66:55:44:33:22:11');
  });

  it('omits missing, unreadable, garbled and placeholder files', async () => {
    await rm(path.join(dmi, 'product_uuid'));
    await writeFile(path.join(dmi, 'product_serial'), 'To Be Filled By O.E.M.\n');
    await writeFile(path.join(dmi, 'sys_vendor'), 'Bad\u0001Vendor\n');
    await rm(path.join(dmi, 'product_name'));
    await mkdir(path.join(dmi, 'product_name')); // reading a directory fails (EISDIR)
    const id = await readHostIdentity({ sysfsRoot: root, networkInterfaces: () => ({}) });
    expect(id).toEqual({ mac: [] });
  });

  it('omits a file it may not read and a product_uuid that is not a UUID', async () => {
    await writeFile(path.join(dmi, 'product_uuid'), 'garbage\n');
    await writeFile(path.join(dmi, 'product_serial'), 'S1\n');
    await chmod(path.join(dmi, 'product_serial'), 0o000);
    const id = await readHostIdentity({ sysfsRoot: root, networkInterfaces: () => ({}) });
    expect(id.uuid).toBeUndefined();
    // root can read a 0400/0000 file anyway, so only assert the unprivileged outcome.
    if (process.getuid?.() !== 0) expect(id.serial).toBeUndefined();
    await chmod(path.join(dmi, 'product_serial'), 0o644);
  });

  it('returns nothing but no error for a missing sysfs and a throwing interface source', async () => {
    const id = await readHostIdentity({
      sysfsRoot: path.join(root, 'does-not-exist'),
      networkInterfaces: () => {
        throw new Error('uv_interface_addresses failed');
      },
    });
    expect(id).toEqual({ mac: [] });
  });

  it('takes an interface filter', async () => {
    const id = await readHostIdentity({
      sysfsRoot: path.join(root, 'does-not-exist'),
      networkInterfaces: interfaces,
      includeInterface: (name) => name === 'docker0',
    });
    expect(id.mac).toEqual(['02:42:ac:11:00:01']);
  });
});
