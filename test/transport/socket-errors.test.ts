import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { socketError, toTransportError } from '../../src/transport/socket-errors.js';

const errno = (code: string): Error => Object.assign(new Error(`${code} failure`), { code });

describe('socket errors say what to do next', () => {
  it.each([
    ['EADDRINUSE', 'PORT_IN_USE', /SO_REUSEADDR/],
    ['EADDRNOTAVAIL', 'ADDRESS_NOT_AVAILABLE', /next refresh/],
    ['ENETUNREACH', 'NETWORK_UNREACHABLE', /ip route add 224\.0\.0\.0\/4 dev eth0/],
    ['EHOSTUNREACH', 'NETWORK_UNREACHABLE', /ip route add/],
    ['EPERM', 'PERMISSION_DENIED', /allow UDP port 5353/],
    // Issue 9: EACCES on a send is a broadcast destination on Linux, not a firewall (that is EPERM).
    ['EACCES', 'PERMISSION_DENIED', /broadcast address.*security module/],
    ['ENODEV', 'NO_INTERFACE', /gone/],
    ['EWHATEVER', 'SOCKET_ERROR', /EWHATEVER failure while sending/],
  ])('%s → %s', (code, expected, message) => {
    const error = socketError(errno(code), 'sending to 224.0.0.251:5353', 'eth0');
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(message);
    expect(error.interfaceName).toBe('eth0');
    expect((error.cause as Error).message).toBe(`${code} failure`);
  });

  it('EACCES on a send does not blame a firewall (issue 9: it is a broadcast destination on Linux)', () => {
    const error = socketError(errno('EACCES'), 'sending to 192.0.2.255:5353', 'eth0');
    expect(error.message).not.toMatch(/firewall/);
    expect(socketError(errno('EPERM'), 'sending to 192.0.2.11:5353', 'eth0').message).toMatch(/firewall/);
  });

  it('wraps anything thrown', () => {
    expect(toTransportError('boom', 'reading interfaces')).toMatchObject({
      code: 'SOCKET_ERROR',
      message: 'boom while reading interfaces',
    });
    const original = new TransportError('CLOSED', 'closed');
    expect(toTransportError(original, 'x')).toBe(original);
  });
});
