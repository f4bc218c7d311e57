/** Small promise-based helpers over Node dgram sockets for the mDNS port. */
import dgram from 'node:dgram';
import { MDNS_PORT } from '../constants.js';
import { socketError } from './socket-errors.js';

/** Open a UDP socket on port 5353 with SO_REUSEADDR, TTL / hop limit 255 and multicast loopback. */
export function openMdnsSocket(
  type: 'udp4' | 'udp6',
  address: string,
  interfaceName: string | undefined,
  onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void,
  onError: (error: Error) => void,
): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type, reuseAddr: true });
    const failed = (error: Error): void => {
      socket.close();
      reject(socketError(error, `binding ${address}:${MDNS_PORT}`, interfaceName));
    };
    socket.once('error', failed);
    socket.on('message', onMessage);
    socket.bind(MDNS_PORT, address, () => {
      socket.off('error', failed);
      socket.on('error', onError);
      try {
        // RFC 6762 §11: TTL / hop limit 255 on every mDNS packet; loopback so local peers hear us.
        socket.setTTL(255);
        socket.setMulticastTTL(255);
        socket.setMulticastLoopback(true);
        resolve(socket);
      } catch (error) {
        socket.close();
        reject(socketError(error as Error, `configuring ${address}`, interfaceName));
      }
    });
  });
}

/** Join a group; already being a member (the kernel kept it across an address change) is fine. */
export function joinGroup(socket: dgram.Socket, group: string, iface: string): void {
  try {
    socket.addMembership(group, iface);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  }
}

/** Leave a group; the interface or address may be gone already, which is fine. */
export function leaveGroup(socket: dgram.Socket, group: string, iface: string): void {
  try {
    socket.dropMembership(group, iface);
  } catch {
    // Gone with its interface or address: the kernel dropped the membership then.
  }
}

/** Close a socket; resolves once closed (or at once if it already was). */
export function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
