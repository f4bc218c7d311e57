/** What changed between two interface lists, as the events a transport emits. */
import type { EventEmitter } from 'eventemitter3';
import type { InterfaceAddress, NetworkInterface } from './interfaces.js';
import type { TransportEvents } from './transport.js';

/** One change. */
export type InterfaceChange =
  | { kind: 'up'; nic: NetworkInterface }
  | { kind: 'down'; nic: NetworkInterface }
  | { kind: 'addressAdded'; nic: NetworkInterface; address: InterfaceAddress }
  | { kind: 'addressRemoved'; nic: NetworkInterface; address: InterfaceAddress }
  | { kind: 'mtu'; nic: NetworkInterface };

const key = (a: InterfaceAddress): string => `${a.family}|${a.address}|${a.prefixLength}`;

/** Changes from `before` to `after`, removals first, in name order. */
export function diffInterfaces(
  before: readonly NetworkInterface[],
  after: readonly NetworkInterface[],
): InterfaceChange[] {
  const changes: InterfaceChange[] = [];
  const old = new Map(before.map((n) => [n.name, n]));
  const now = new Map(after.map((n) => [n.name, n]));
  for (const nic of before) if (!now.has(nic.name)) changes.push({ kind: 'down', nic });
  for (const nic of after) {
    const previous = old.get(nic.name);
    if (!previous) {
      changes.push({ kind: 'up', nic });
      continue;
    }
    const was = new Set(previous.addresses.map(key));
    const is = new Set(nic.addresses.map(key));
    for (const a of previous.addresses) if (!is.has(key(a))) changes.push({ kind: 'addressRemoved', nic, address: a });
    for (const a of nic.addresses) if (!was.has(key(a))) changes.push({ kind: 'addressAdded', nic, address: a });
    if (previous.mtu !== nic.mtu) changes.push({ kind: 'mtu', nic });
  }
  return changes;
}

/** Emit each change as the transport event of the same meaning (an MTU change has none). */
export function emitInterfaceChanges(
  emitter: EventEmitter<TransportEvents>,
  changes: readonly InterfaceChange[],
): void {
  for (const change of changes) {
    if (change.kind === 'up') emitter.emit('interfaceUp', change.nic);
    else if (change.kind === 'down') emitter.emit('interfaceDown', change.nic);
    else if (change.kind === 'addressAdded') emitter.emit('addressAdded', change.nic, change.address);
    else if (change.kind === 'addressRemoved') emitter.emit('addressRemoved', change.nic, change.address);
  }
}
