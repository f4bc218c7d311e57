/**
 * Runs a UdpTransport inside a lab host, driven over stdin/stdout with JSON
 * lines, so lab tests can put boaster's transport on real (namespaced)
 * interfaces. Started by transport-lab.ts as
 * `node --import tsx test/transport/harness.ts '<options JSON>'`.
 *
 * Out: {"event":"ready"|"packet"|"interfaceUp"|...}. In: {"cmd":"send"|
 * "stats"|"handles"|"refresh"|"echo"|"close", ...}. In echo mode every
 * delivered packet is answered with "echo <interface> <payload>" by
 * multicast on the interface it was attributed to.
 */
import { createInterface } from 'node:readline';
import { UdpTransport, type UdpTransportOptions } from '../../src/transport/udp-transport.js';

const options = JSON.parse(process.argv[2] ?? '{}') as UdpTransportOptions;
const transport = new UdpTransport(options);
const out = (event: string, body: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, ...body })}\n`);
};
let echo = false;

transport.on('packet', (p) => {
  const payload = Buffer.from(p.data).toString('utf8');
  out('packet', { interface: p.interface, family: p.family, source: p.source, destination: p.destination, payload });
  if (echo && !payload.startsWith('echo ')) {
    transport
      .send(Buffer.from(`echo ${p.interface} ${payload}`), { interface: p.interface, family: p.family })
      .catch((e: Error) => out('sendError', { message: e.message }));
  }
});
transport.on('interfaceUp', (n) => out('interfaceUp', { name: n.name, addresses: n.addresses }));
transport.on('interfaceDown', (n) => out('interfaceDown', { name: n.name }));
transport.on('addressAdded', (n, a) => out('addressAdded', { name: n.name, address: a.address }));
transport.on('addressRemoved', (n, a) => out('addressRemoved', { name: n.name, address: a.address }));
transport.on('error', (e) => out('error', { code: e.code, message: e.message }));

const udpHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'UDPWRAP').length;

process.on('uncaughtException', (e) => {
  out('uncaught', { message: String(e) });
  process.exitCode = 3;
});

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string; id?: number; data?: string; target?: never; on?: boolean };
  const reply = (body: Record<string, unknown>): void => out('reply', { id: command.id, ...body });
  const run = async (): Promise<void> => {
    switch (command.cmd) {
      case 'send':
        await transport.send(Buffer.from(command.data ?? ''), command.target as never);
        return reply({ ok: true });
      case 'stats':
        return reply({ stats: transport.stats, interfaces: transport.interfaces.map((n) => n.name) });
      case 'handles':
        return reply({ udp: udpHandles(), all: process.getActiveResourcesInfo() });
      case 'refresh':
        await transport.refresh();
        return reply({ interfaces: transport.interfaces.map((n) => n.name) });
      case 'echo':
        echo = command.on ?? true;
        return reply({ ok: true });
      case 'close':
        await transport.close();
        // Handles leave the active list once libuv has finished closing them.
        await new Promise((resolve) => setTimeout(resolve, 50));
        reply({ udp: udpHandles() });
        commands.close();
        return;
      default:
        return reply({ error: `unknown command ${command.cmd}` });
    }
  };
  run().catch((e: Error & { code?: string }) => reply({ error: e.message, code: e.code }));
});

out('starting', { udp: udpHandles() });
transport
  .start()
  .then(() =>
    out('ready', {
      interfaces: transport.interfaces.map((n) => ({ name: n.name, addresses: n.addresses, mtu: n.mtu })),
    }),
  )
  .catch((e: Error & { code?: string }) => {
    out('startError', { code: e.code, message: e.message });
    process.exitCode = 2;
  });
