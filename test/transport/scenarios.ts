/**
 * Lifecycle scenarios of UdpTransport that need real sockets, run inside a
 * lab host (`node --import tsx scenarios.ts <name>`); each prints one JSON
 * line with what it observed.
 */
import { UdpTransport } from '../../src/transport/udp-transport.js';

const udpHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'UDPWRAP').length;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

const scenarios: Record<string, () => Promise<Record<string, unknown>>> = {
  /** close() while start() is still binding: start rejects CLOSED, nothing stays open. */
  async 'close-during-start'() {
    const transport = new UdpTransport({ pollIntervalMs: 50 });
    const starting = transport.start();
    await transport.close();
    const outcome = await starting.then(
      () => 'resolved',
      (e: Error & { code?: string }) => e.code,
    );
    await settle();
    return {
      outcome,
      udp: udpHandles(),
      timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length,
    };
  },

  /** Listeners that throw do not break the transport, refresh or close. */
  async 'throwing-listeners'() {
    const transport = new UdpTransport({ pollIntervalMs: 0 });
    const errors: string[] = [];
    transport.on('interfaceUp', () => {
      throw new Error('listener bug');
    });
    transport.on('error', (e) => errors.push(e.message));
    await transport.start();
    const interfaces = transport.interfaces.map((n) => n.name);
    await transport.refresh();
    const open = udpHandles();
    await transport.close();
    await settle();
    return { interfaces, errors, open, udp: udpHandles() };
  },
};

const name = process.argv[2] ?? '';
const run = scenarios[name];
if (!run) throw new Error(`unknown scenario ${name}`);
run().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ failed: String(error) })}\n`);
    process.exitCode = 1;
  },
);
