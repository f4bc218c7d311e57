/**
 * Stand-ins for `src/transport/sockets.ts` (the only code of the real
 * transport that touches dgram), for `vi.mock`: with them `UdpTransport`
 * runs as it does on a host — source check, on-link attribution, own-packet
 * memory, per-interface sockets — while a test hands datagrams to the
 * socket a kernel would have delivered them to and reads what was sent.
 * This is the seam where a source address or port is whatever the attacker
 * wrote, which `FakeTransport` (no attribution) cannot show.
 */
import type dgram from 'node:dgram';

/** One socket the transport opened. */
export interface FakeSocket {
  readonly type: 'udp4' | 'udp6';
  /** What it was bound to: `224.0.0.251`, `192.0.2.10`, `ff02::fb%eth0`, `fe80::10%eth0`. */
  readonly address: string;
  readonly onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void;
  closed: boolean;
}

/** A datagram the transport sent. */
export interface FakeSend {
  readonly from: string;
  readonly data: Buffer;
  readonly address: string;
  readonly port: number;
}

/** Every socket opened and every datagram sent since {@link resetFakeSockets}. */
export const opened: FakeSocket[] = [];
export const sends: FakeSend[] = [];
/** The socket behind each object handed to the transport. */
const behind = new Map<object, FakeSocket>();

export function resetFakeSockets(): void {
  opened.length = 0;
  sends.length = 0;
  behind.clear();
}

/** Deliver `data` from `address`:`port` to the open socket bound to `to`, as the kernel would. */
export function arrive(to: string, data: Uint8Array, address: string, port: number): void {
  const socket = opened.find((s) => s.address === to && !s.closed);
  if (!socket) throw new Error(`no open fake socket bound to ${to} (have ${opened.map((s) => s.address).join(', ')})`);
  socket.onMessage(Buffer.from(data), {
    address,
    port,
    family: socket.type === 'udp4' ? 'IPv4' : 'IPv6',
    size: data.length,
  });
}

export async function openMdnsSocket(
  type: 'udp4' | 'udp6',
  address: string,
  _interfaceName: string | undefined,
  onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void,
): Promise<dgram.Socket> {
  const socket: FakeSocket = { type, address, onMessage, closed: false };
  opened.push(socket);
  const surface = {
    setMulticastInterface: (): void => undefined,
    send: (data: Uint8Array, port: number, to: string, done: (error: Error | null) => void): void => {
      sends.push({ from: address, data: Buffer.from(data), address: to, port });
      done(null);
    },
  };
  behind.set(surface, socket);
  return surface as unknown as dgram.Socket;
}

export function joinGroup(): void {}

export function leaveGroup(): void {}

export async function closeSocket(socket: dgram.Socket): Promise<void> {
  const fake = behind.get(socket);
  if (fake) fake.closed = true;
}
