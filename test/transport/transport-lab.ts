/**
 * Drives boaster's UdpTransport (harness.ts) and plain-dgram peers
 * (peer.cjs) inside lab hosts.
 */
import { fileURLToPath } from 'node:url';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';
import type { UdpTransportOptions } from '../../src/transport/udp-transport.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const harness = fileURLToPath(new URL('./harness.ts', import.meta.url));
const peerScript = fileURLToPath(new URL('./peer.cjs', import.meta.url));
const scenarioScript = fileURLToPath(new URL('./scenarios.ts', import.meta.url));

/** Run a named lifecycle scenario (scenarios.ts) in `host` and return what it printed. */
export async function runScenario(host: Host, name: string): Promise<Record<string, unknown>> {
  const result = await host.run(process.execPath, ['--import', 'tsx', scenarioScript, name], {
    cwd: root,
    timeoutMs: 20_000,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`scenario ${name} printed nothing: ${result.stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** One JSON line printed by the harness. */
export interface HarnessEvent {
  event: string;
  [key: string]: unknown;
}

/** A running transport harness in a lab host. */
export class TransportProcess {
  private nextId = 1;

  private constructor(readonly process: LabProcess) {}

  /** Start the harness in `host` and wait until its transport is ready. */
  static async start(host: Host, options: UdpTransportOptions = {}): Promise<TransportProcess> {
    const proc = host.spawn(process.execPath, ['--import', 'tsx', harness, JSON.stringify(options)], {
      cwd: root,
      label: `transport@${host.name}`,
    });
    const t = new TransportProcess(proc);
    await t.waitFor((e) => e.event === 'ready' || e.event === 'startError', 20_000);
    const failed = t.events.find((e) => e.event === 'startError');
    if (failed) throw new Error(`transport did not start: ${JSON.stringify(failed)}`);
    return t;
  }

  /** Every event printed so far. */
  get events(): HarnessEvent[] {
    return this.process.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as HarnessEvent);
  }

  /** Events of one kind. */
  eventsOf(kind: string): HarnessEvent[] {
    return this.events.filter((e) => e.event === kind);
  }

  /** Wait (bounded) for an event matching `test`. */
  async waitFor(test: (e: HarnessEvent) => boolean, timeoutMs = 10_000): Promise<HarnessEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(test);
      if (found) return found;
      if (Date.now() > deadline || !this.process.running) {
        throw new Error(
          `no matching event within ${timeoutMs} ms; output:\n${this.process.stdout}\n${this.process.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Send a command and wait for its reply. */
  async command(cmd: string, body: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<HarnessEvent> {
    const id = this.nextId++;
    this.process.write(`${JSON.stringify({ cmd, id, ...body })}\n`);
    return this.waitFor((e) => e.event === 'reply' && e.id === id, timeoutMs);
  }

  /** Packets delivered to the transport so far. */
  packets(): {
    interface: string;
    family: number;
    source: { address: string; port: number };
    destination: string;
    payload: string;
  }[] {
    return this.eventsOf('packet') as never;
  }

  /** Close the transport and wait for the process to exit; returns the UDP handles left open. */
  async close(): Promise<number> {
    const reply = await this.command('close');
    await this.process.exited;
    return reply.udp as number;
  }
}

/** One datagram a peer received. */
export interface PeerDatagram {
  kind: 'multicast' | 'unicast';
  from: string;
  port: number;
  payload: string;
}

/** Options of {@link runPeer}. */
export interface PeerOptions {
  family: 4 | 6;
  /** The peer's own address (IPv6: link-local without zone). */
  source: string;
  ifname?: string;
  /** How long to listen after sending. */
  listenMs?: number;
  /** Payloads to send: to the group, or unicast `to`. */
  send?: { data: string; to?: string }[];
}

/** Run a plain-dgram peer in `host`: it sends, listens, and returns what it received. */
export async function runPeer(host: Host, options: PeerOptions): Promise<PeerDatagram[]> {
  const result = await host.run(process.execPath, [peerScript, JSON.stringify({ ifname: 'eth0', ...options })], {
    timeoutMs: (options.listenMs ?? 1000) + 10_000,
  });
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PeerDatagram & { kind: string })
    .filter((d) => d.kind === 'multicast' || d.kind === 'unicast');
}
