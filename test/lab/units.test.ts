/** Unit tests for the lab's pure parts (always run): avahi-browse parser (inputs are real avahi-browse 0.8 output), address plan, names, gate. */
import { describe, it, expect, vi } from 'vitest';
import { gateOnReason, labGate } from './availability.js';
import { decodeAvahiLabel, parseAvahiBrowse, parseAvahiTxt, txtToRecord } from './avahi-parse.js';
import { parseNetnsList } from './cleanup.js';
import { assertLabIPv4Cidr, assertLabIPv6Cidr, hostAddressOnLink, linkSubnet } from './addresses.js';
import { parseLabResource } from './naming.js';

describe('avahi-browse -p parser', () => {
  it('decodes escaped instance names', () => {
    expect(decodeAvahiLabel('Lab\\032Smoke\\032Test')).toBe('Lab Smoke Test');
    // Published as: A.b\c;d"e & é
    expect(decodeAvahiLabel('A\\.b\\\\c\\059d\\034e\\032\\038\\032\\195\\169')).toBe('A.b\\c;d"e & é');
    expect(decodeAvahiLabel('dot\\046here')).toBe('dot.here');
  });

  it('parses TXT strings with quotes, backslashes, semicolons and UTF-8', () => {
    expect(parseAvahiTxt('"novalue" "bin=\\195\\169" "b\\\\s;x" "k=\\"v\\""')).toEqual([
      'novalue',
      'bin=é',
      'b\\s;x',
      'k="v"',
    ]);
    expect(parseAvahiTxt('')).toEqual([]);
    expect(txtToRecord(['model=smoke', 'serial=ABC123', 'Flag', 'model=dup', 'empty='])).toEqual({
      model: 'smoke',
      serial: 'ABC123',
      flag: true,
      empty: '',
    });
  });

  it('parses +, = and - lines and ignores noise', () => {
    const out = [
      '+;eth0;IPv4;Lab\\032Smoke\\032Test;_boaster-smoke._tcp;local',
      '=;eth0;IPv4;Lab\\032Smoke\\032Test;_boaster-smoke._tcp;local;labhost1.local;192.0.2.11;4242;"model=smoke" "serial=ABC123"',
      '=;eth0;IPv6;x;_weird._tcp;local;h.local;fe80::bc90:43ff:fe05:2db4;99;"a;b=c"',
      '-;eth0;IPv4;Gone;_x._tcp;local',
      'Failed to resolve service',
      '',
    ].join('\n');
    const entries = parseAvahiBrowse(out);
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      event: '+',
      iface: 'eth0',
      protocol: 'IPv4',
      name: 'Lab Smoke Test',
      type: '_boaster-smoke._tcp',
      domain: 'local',
    });
    expect(entries[1]).toMatchObject({ event: '=', host: 'labhost1.local', address: '192.0.2.11', port: 4242 });
    expect(entries[1]?.txt).toEqual(['model=smoke', 'serial=ABC123']);
    expect(entries[2]?.txt).toEqual(['a;b=c']);
    expect(entries[3]).toMatchObject({ event: '-', name: 'Gone' });
  });
});

describe('lab address plan and names', () => {
  it('keeps every address inside TEST-NET-1 / link-local', () => {
    expect(linkSubnet(0, 1).cidr).toBe('192.0.2.0/24');
    expect(hostAddressOnLink(linkSubnet(0, 1), 1)).toBe('192.0.2.11/24');
    expect(linkSubnet(1, 2).cidr).toBe('192.0.2.64/26');
    expect(hostAddressOnLink(linkSubnet(1, 2), 0)).toBe('192.0.2.74/26');
    expect(hostAddressOnLink(linkSubnet(3, 4), 2)).toBe('192.0.2.204/26');
    expect(() => hostAddressOnLink(linkSubnet(0, 2), 60)).toThrow();
    expect(() => linkSubnet(0, 5)).toThrow();
    expect(() => assertLabIPv4Cidr('10.0.0.1/24')).toThrow(/TEST-NET-1/);
    expect(() => assertLabIPv4Cidr('192.0.3.1/24')).toThrow();
    expect(() => assertLabIPv4Cidr('192.0.2.1/16')).toThrow();
    expect(() => assertLabIPv6Cidr('2001:4860::1/64')).toThrow(/link-local/);
    expect(assertLabIPv6Cidr('2001:db8:7::7/64').addr).toBe('2001:db8:7::7');
    expect(assertLabIPv6Cidr('fe80::1234/64').addr).toBe('fe80::1234');
  });

  it('parses lab resource names and netns lists', () => {
    expect(parseLabResource('bst-123-a1b2c3-4-h0')).toEqual({ lab: 'bst-123-a1b2c3-4', pid: 123 });
    expect(parseLabResource('bst-123-a1b2c3-4-Xy12Zq')).toEqual({ lab: 'bst-123-a1b2c3-4', pid: 123 });
    expect(parseLabResource('bstother')).toBeUndefined();
    expect(parseLabResource('foo-123-a1-1')).toBeUndefined();
    expect(parseNetnsList('bst-1-aa-1-h0 (id: 3)\nother\n\n')).toEqual(['bst-1-aa-1-h0', 'other']);
  });
});

describe('lab gate', () => {
  it('skips with the reason printed, or throws under BOASTER_LAB=required', () => {
    const saved = process.env['BOASTER_LAB'];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      delete process.env['BOASTER_LAB'];
      expect(gateOnReason(undefined)).toBeUndefined();
      expect(gateOnReason('`dig` not found', 'x tests')).toBe('`dig` not found');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping x tests: `dig` not found'));
      process.env['BOASTER_LAB'] = 'required';
      expect(gateOnReason(undefined)).toBeUndefined();
      expect(() => gateOnReason('`dig` not found')).toThrow(/BOASTER_LAB=required.*`dig` not found/);
      process.env['BOASTER_LAB'] = 'off';
      expect(labGate(['ip'], 'y tests')).toBe('disabled by BOASTER_LAB=off');
    } finally {
      if (saved === undefined) delete process.env['BOASTER_LAB'];
      else process.env['BOASTER_LAB'] = saved;
      warn.mockRestore();
    }
  });
});
