/**
 * avahi-browse's and avahi-resolve's formats, byte for byte: label
 * escaping (avahi_escape_label), the type column with and without -k, TXT
 * quoting, and the +, = and - lines of -p.
 */
import { describe, expect, it } from 'vitest';
import {
  avahiEscapeLabel,
  parsableBrowseLine,
  parsableResolvedLine,
  resolveHostLine,
  txtColumn,
  typeColumn,
} from '../../src/cli/avahi-format.js';
import type { ServiceInstance } from '../../src/querier/service-view.js';

const enc = new TextEncoder();

describe('avahiEscapeLabel', () => {
  it.each([
    ['Büro Drucker. 2', 'B\\195\\188ro\\032Drucker\\.\\0322'],
    ['back\\slash', 'back\\\\slash'],
    ['plain-name_1', 'plain-name_1'],
    ['a(b)', 'a\\040b\\041'],
    ['Zoë', 'Zo\\195\\171'],
  ])('%j → %j', (label, escaped) => {
    expect(avahiEscapeLabel(label)).toBe(escaped);
  });
});

describe('columns and lines', () => {
  const service: ServiceInstance = {
    name: 'Büro Drucker. 2',
    type: '_http._tcp',
    domain: 'local',
    fqdn: 'Büro Drucker\\. 2._http._tcp.local',
    host: 'peer.local',
    port: 631,
    priority: 0,
    weight: 0,
    addresses: [
      { address: 'fe80::99%eth0', family: 6, interface: 'eth0' },
      { address: '192.0.2.20', family: 4, interface: 'eth0' },
    ],
    txt: { a: '1', flag: true },
    txtRaw: [enc.encode('a=1'), enc.encode('flag'), new Uint8Array()],
    interfaces: ['eth0'],
    expiresAt: 0,
  };

  it('shows friendly type names unless -k', () => {
    expect(typeColumn('_http._tcp', false)).toBe('Web Site');
    expect(typeColumn('_ssh._tcp', false)).toBe('SSH Remote Terminal');
    expect(typeColumn('_boaster._tcp', false)).toBe('_boaster._tcp');
    expect(typeColumn('_http._tcp', true)).toBe('_http._tcp');
  });

  it('quotes TXT strings last first, as avahi-browse prints them, leaving empty ones out', () => {
    expect(txtColumn(service.txtRaw)).toBe('"flag" "a=1"');
  });

  it('prints + = - lines as avahi-browse -p does', () => {
    const place = { interface: 'eth0', family: 4 as const };
    expect(parsableBrowseLine('+', place, service, true)).toBe(
      '+;eth0;IPv4;B\\195\\188ro\\032Drucker\\.\\0322;_http._tcp;local',
    );
    expect(parsableBrowseLine('-', place, service, false)).toBe(
      '-;eth0;IPv4;B\\195\\188ro\\032Drucker\\.\\0322;Web Site;local',
    );
    expect(parsableResolvedLine(place, service, true)).toBe(
      '=;eth0;IPv4;B\\195\\188ro\\032Drucker\\.\\0322;_http._tcp;local;peer.local;192.0.2.20;631;"flag" "a=1"',
    );
    expect(parsableResolvedLine({ interface: 'eth0', family: 6 }, service, true)).toContain(
      ';peer.local;fe80::99;631;',
    );
  });

  it('prints name<TAB>address as avahi-resolve -n does', () => {
    expect(resolveHostLine('peer.local', '192.0.2.20')).toBe('peer.local\t192.0.2.20');
  });
});
