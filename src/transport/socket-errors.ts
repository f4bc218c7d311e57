/** Socket errors turned into {@link TransportError}s that say what to do next. */
import { TransportError } from '../errors.js';

/** A TransportError for a failed socket operation, by errno. */
export function socketError(error: Error, doing: string, interfaceName?: string): TransportError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = interfaceName ? ` on ${interfaceName}` : '';
  const options = interfaceName === undefined ? { cause: error } : { cause: error, interfaceName };
  switch (code) {
    case 'EADDRINUSE':
      return new TransportError(
        'PORT_IN_USE',
        `UDP port 5353 is held by a process that does not share it (no SO_REUSEADDR) while ${doing}${where}. ` +
          'avahi-daemon and mDNSResponder share the port; stop the exclusive holder or configure it to share.',
        options,
      );
    case 'EADDRNOTAVAIL':
      return new TransportError(
        'ADDRESS_NOT_AVAILABLE',
        `The address is not usable on this host while ${doing}${where}: it is gone, or (IPv6) duplicate address detection has not finished. boaster tries again on its next refresh.`,
        options,
      );
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new TransportError(
        'NETWORK_UNREACHABLE',
        `No route while ${doing}${where}: the interface went down or lost this address (boaster follows such a change), ` +
          `or the destination has no route. For multicast add one, e.g. "ip route add 224.0.0.0/4 dev ${interfaceName ?? '<interface>'}".`,
        options,
      );
    case 'EPERM':
      // Linux: a netfilter rule (or seccomp) refused the packet.
      return new TransportError(
        'PERMISSION_DENIED',
        `Permission denied while ${doing}${where}: a firewall rule or a sandbox forbids it; allow UDP port 5353 and multicast.`,
        options,
      );
    case 'EACCES':
      // Linux: sending to a broadcast address without SO_BROADCAST, or a security module (SELinux, AppArmor) refused it.
      return new TransportError(
        'PERMISSION_DENIED',
        `Permission denied while ${doing}${where}: the destination is a broadcast address (mDNS never sends to one; boaster sets no SO_BROADCAST), ` +
          'or a security module (SELinux, AppArmor) or sandbox forbids UDP port 5353; check its policy.',
        options,
      );
    case 'ENODEV':
    case 'ENXIO':
      return new TransportError('NO_INTERFACE', `The interface is gone while ${doing}${where}.`, options);
    default:
      return new TransportError('SOCKET_ERROR', `${error.message} while ${doing}${where}`, options);
  }
}

/** Any thrown value as a TransportError. */
export function toTransportError(error: unknown, doing: string, interfaceName?: string): TransportError {
  if (error instanceof TransportError) return error;
  if (error instanceof Error) return socketError(error, doing, interfaceName);
  return new TransportError('SOCKET_ERROR', `${String(error)} while ${doing}`);
}
