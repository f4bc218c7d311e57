/**
 * Issue 15, flapping: the boaster process of the flap scenario, run inside a
 * lab host (`node --expose-gc --import tsx child.ts '<config JSON>'`). One
 * `Mdns` publishes the configured services under one host name with a fast
 * interface poll, and browses the scenario's service type, so the driver
 * (scenario.ts) can watch, from outside, what the process itself sees while
 * its link flaps and its address changes.
 *
 * It prints one JSON line per event — transport interface events, service
 * `probing`/`announced`, browser `up`/`update`/`down`, `error` events and any
 * uncaught exception or unhandled rejection (there must be none) — and
 * answers `{"cmd":"view"}` on stdin with the browser's view and the
 * process's resources after a forced GC: `process.memoryUsage()`, open file
 * descriptors (`/proc/self/fd`) and active handles
 * (`process.getActiveResourcesInfo()`). `{"cmd":"close"}` closes the Mdns
 * (goodbyes) and exits.
 */
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Mdns, type ServiceInstance, type ServiceSpec } from '../../../src/index.js';

/** The child's configuration (argv[2]). */
export interface FlapChildConfig {
  readonly hostName: string;
  readonly services: readonly ServiceSpec[];
  /** Service type browsed, e.g. `_flap._tcp`. */
  readonly browse: string;
  readonly pollIntervalMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as FlapChildConfig;

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`);
}

process.on('uncaughtException', (error) => emit({ kind: 'uncaught', message: String(error.stack ?? error) }));
process.on('unhandledRejection', (reason) =>
  emit({ kind: 'uncaught', message: `unhandled rejection: ${String(reason)}` }),
);

function viewOf(s: ServiceInstance): Record<string, unknown> {
  return {
    name: s.name,
    host: s.host,
    port: s.port,
    addresses: s.addresses.map((a) => a.address),
    interfaces: s.interfaces,
  };
}

function resources(): Record<string, unknown> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const mem = process.memoryUsage();
  const active = process.getActiveResourcesInfo();
  const byType: Record<string, number> = {};
  for (const type of active) byType[type] = (byType[type] ?? 0) + 1;
  return {
    gc: gc !== undefined,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    fds: readdirSync('/proc/self/fd').length,
    handles: active.length,
    handlesByType: byType,
  };
}

const mdns = new Mdns({ hostName: config.hostName, pollIntervalMs: config.pollIntervalMs });
mdns.on('error', (error) => emit({ kind: 'error', code: error.code, message: error.message }));
const transport = mdns.core.transport;
transport.on('interfaceUp', (nic) => emit({ kind: 'iface', event: 'up', name: nic.name }));
transport.on('interfaceDown', (nic) => emit({ kind: 'iface', event: 'down', name: nic.name }));
transport.on('addressAdded', (nic, a) =>
  emit({ kind: 'iface', event: 'addressAdded', name: nic.name, address: a.address }),
);
transport.on('addressRemoved', (nic, a) =>
  emit({ kind: 'iface', event: 'addressRemoved', name: nic.name, address: a.address }),
);

const browser = mdns.browse(config.browse);
browser.on('up', (s) => emit({ kind: 'browse', event: 'up', service: viewOf(s) }));
browser.on('update', (s) => emit({ kind: 'browse', event: 'update', service: viewOf(s) }));
browser.on('down', (s) => emit({ kind: 'browse', event: 'down', service: viewOf(s) }));

let closing = false;
async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  await mdns.close();
  // A closed socket leaves the active-handle list once libuv has run its close callback.
  await new Promise((resolve) => setTimeout(resolve, 100));
  emit({ kind: 'closed', ...resources() });
  process.exit(0);
}

async function main(): Promise<void> {
  const services = await Promise.all(
    config.services.map(async (spec) => {
      const service = mdns.responder.register(spec);
      service.on('probing', () => emit({ kind: 'service', event: 'probing', name: service.name }));
      service.on('announced', (name) => emit({ kind: 'service', event: 'announced', name }));
      service.on('renamed', (from, to) => emit({ kind: 'service', event: 'renamed', name: from, to }));
      await mdns.responder.whenAnnounced(service, undefined);
      return service;
    }),
  );
  emit({ kind: 'ready', services: services.map((s) => s.name), host: mdns.responder.hostName, ...resources() });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd: { cmd?: string; id?: number } = {};
  try {
    cmd = JSON.parse(line) as typeof cmd;
  } catch {
    return;
  }
  if (cmd.cmd === 'view') emit({ kind: 'view', id: cmd.id, services: browser.services.map(viewOf), ...resources() });
  else if (cmd.cmd === 'close') void close();
});
process.on('SIGTERM', () => void close());

main().catch((error: unknown) => emit({ kind: 'startError', message: String(error) }));
