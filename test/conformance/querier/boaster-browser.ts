/**
 * The querier target "boaster": one `Mdns` on the lab interface, browsing
 * one service type (or, with no type, running idle: sockets open, nothing
 * wanted). Run as `node --import tsx test/conformance/querier/boaster-browser.ts '<json>'`
 * with json `{ ifname, type? }`. Prints JSON lines:
 *
 *   {"kind":"ready","at":ms}       the sockets are open; `at` is taken right before browse()
 *   {"kind":"up"|"down","name":…,"at":ms}
 *   {"kind":"seen","name":…,"txt":["k=v",…],"addresses":[IPv4…],"at":ms}   on up and on every update
 *
 * Like `boaster browse` (src/cli/browse.ts) it starts the core, then
 * browses. SIGTERM closes the Mdns and exits 0; it exits by itself after 120 s.
 */
import { Mdns } from '../../../src/api/mdns.js';
import type { ServiceInstance } from '../../../src/querier/service-view.js';

interface Config {
  ifname: string;
  type?: string;
}

const LIFETIME_MS = 120_000;
const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const mdns = new Mdns({ interfaces: [config.ifname] });
mdns.on('error', (e) => process.stderr.write(`boaster: ${e.message}\n`));
let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  void mdns.close().finally(() => process.exit(0));
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
setTimeout(close, LIFETIME_MS).unref();

await mdns.core.start();
const at = Date.now();
if (config.type !== undefined) {
  const browser = mdns.browse(config.type);
  const seen = (s: ServiceInstance): void => {
    const txt = s.txtRaw.map((b) => Buffer.from(b).toString('utf8'));
    print({
      kind: 'seen',
      name: s.name,
      txt,
      addresses: s.addresses.filter((a) => a.family === 4).map((a) => a.address),
      at: Date.now(),
    });
  };
  browser.on('up', (s) => {
    print({ kind: 'up', name: s.name, at: Date.now() });
    seen(s);
  });
  browser.on('update', seen);
  browser.on('down', (s) => print({ kind: 'down', name: s.name, at: Date.now() }));
}
print({ kind: 'ready', at });
