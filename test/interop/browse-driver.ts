/**
 * boaster's querier inside a lab host (run with `node --import tsx`): one
 * `Mdns` bound to the lab interface, browsing service types and/or
 * resolving host names, printing one JSON line per result on stdout:
 *
 *   {"kind":"ready"}                                  browsers made
 *   {"kind":"up"|"update"|"down","at":ms,"service":{…},"previousTxt"?:{…}}
 *   {"kind":"resolved","name":…,"family":…,"addresses":[…],"ms":…}
 *   {"kind":"resolve-failed","name":…,"code":…,"message":…}
 *   {"kind":"error","code":…,"message":…}             Mdns 'error' events
 *
 * `at` is the wall clock (Date.now()) of the event, so the test process in
 * the root namespace can compare it with its own timestamps.
 *
 * argv[2]: JSON {"ifname":"eth0","ipv6":true,"browse":["_http._tcp"],
 * "resolveHost":[{"name":"x.local","family":4}],"lifetimeMs":60000}.
 * SIGTERM closes the Mdns and exits 0; it also exits by itself after
 * lifetimeMs (bounded), or after the resolves when it browses nothing.
 */
import { Mdns } from '../../src/api/mdns.js';
import type { ServiceInstance } from '../../src/querier/service-view.js';

interface Config {
  ifname: string;
  ipv6?: boolean;
  browse?: string[];
  resolveHost?: { name: string; family?: 4 | 6 }[];
  lifetimeMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

/** What the test needs of an instance (txtRaw as hex, to see the exact bytes). */
function plain(s: ServiceInstance): Record<string, unknown> {
  return {
    name: s.name,
    type: s.type,
    domain: s.domain,
    fqdn: s.fqdn,
    host: s.host,
    port: s.port,
    addresses: s.addresses,
    txt: { ...s.txt },
    txtRaw: s.txtRaw.map((b) => Buffer.from(b).toString('hex')),
    interfaces: s.interfaces,
  };
}

const mdns = new Mdns({ interfaces: [config.ifname], ipv6: config.ipv6 ?? true, pollIntervalMs: 0 });
mdns.on('error', (e) => print({ kind: 'error', at: Date.now(), code: e.code, message: e.message }));

let closing = false;
const close = (code: number): void => {
  if (closing) return;
  closing = true;
  void mdns.close().finally(() => process.exit(code));
};
process.on('SIGTERM', () => close(0));
process.on('SIGINT', () => close(0));
setTimeout(() => close(0), config.lifetimeMs ?? 60_000);

for (const type of config.browse ?? []) {
  const browser = mdns.browse(type);
  browser.on('up', (s) => print({ kind: 'up', at: Date.now(), browsing: type, service: plain(s) }));
  browser.on('update', (s, prev) =>
    print({ kind: 'update', at: Date.now(), browsing: type, service: plain(s), previousTxt: { ...prev.txt } }),
  );
  browser.on('down', (s) => print({ kind: 'down', at: Date.now(), browsing: type, service: plain(s) }));
}
print({ kind: 'ready', at: Date.now() });

for (const { name, family } of config.resolveHost ?? []) {
  const started = Date.now();
  try {
    const addresses = await mdns.resolveHost(
      name,
      family === undefined ? { timeout: 5_000 } : { family, timeout: 5_000 },
    );
    print({ kind: 'resolved', at: Date.now(), name, family: family ?? null, addresses, ms: Date.now() - started });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    print({
      kind: 'resolve-failed',
      at: Date.now(),
      name,
      family: family ?? null,
      code: err.code,
      message: err.message,
    });
  }
}
if ((config.browse ?? []).length === 0) close(0);
