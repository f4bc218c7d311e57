/**
 * `boaster browse [TYPE] [-a] [-r] [-p] [-t] [-k] [--json]`, modelled on
 * avahi-browse: the same options and, with `-p`, the same lines
 * (avahi-format.ts). Exit codes: 0 done (or interrupted), 1 the sockets
 * failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import type { Browser } from '../api/browser.js';
import { Mdns } from '../api/mdns.js';
import type { ServiceInstance } from '../querier/service-view.js';
import { nameKey } from '../wire/name.js';
import {
  parsableBrowseLine,
  parsableResolvedLine,
  readableBrowseLine,
  readableResolvedLine,
  type Place,
} from './avahi-format.js';

export const BROWSE_USAGE = `usage: boaster browse [options] TYPE | --all
  -a, --all             browse every service type on the link (RFC 6763 §9)
  -r, --resolve         print host, address, port and TXT of each service
  -p, --parsable        lines as avahi-browse -p prints them (+ found, = resolved, - gone)
  -t, --terminate       exit once the first answers have settled ("all for now")
  -k, --no-db-lookup    raw service types instead of their friendly names
      --json            one JSON object per event (up, update, down)
      --interface IF    interface to use, repeatable (default: all LAN interfaces)
      --no-ipv6         IPv4 only
exit status: 0 done or interrupted, 1 the sockets failed, 2 bad usage`;

const OPTIONS = {
  all: { type: 'boolean', short: 'a' },
  resolve: { type: 'boolean', short: 'r' },
  parsable: { type: 'boolean', short: 'p' },
  terminate: { type: 'boolean', short: 't' },
  'no-db-lookup': { type: 'boolean', short: 'k' },
  json: { type: 'boolean' },
  interface: { type: 'string', multiple: true },
  'no-ipv6': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** With --terminate: done once nothing changed for this long, */
const SETTLE_QUIET_MS = 1_000;
/** but not before this (the first query goes at 20–120 ms, answers up to 120 ms later, then resolution), */
const SETTLE_MIN_MS = 1_500;
/** and at the latest after this. */
const SETTLE_MAX_MS = 10_000;

/** Interfaces and protocols a service's PTR came over (the rows avahi-browse prints). */
function placesOf(mdns: Mdns, browsing: string, service: ServiceInstance): Place[] {
  const key = nameKey(browsing);
  const instance = nameKey(service.fqdn);
  const places: Place[] = [];
  for (const nic of mdns.core.transport.interfaces) {
    for (const e of mdns.core.cache.atName(nic.name, key)) {
      if (e.record.type !== 'PTR' || nameKey(String(e.record.data)) !== instance) continue;
      places.push({ interface: nic.name, family: e.source.includes(':') ? 6 : 4 });
    }
  }
  return places.length > 0 ? places : service.interfaces.map((n) => ({ interface: n, family: 4 }));
}

export async function browse(args: string[], fail: (message: string) => never): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${BROWSE_USAGE}\n`);
    return;
  }
  const type = positionals[0];
  if (!values.all && type === undefined) fail('browse needs a TYPE (e.g. _http._tcp) or --all');
  if (positionals.length > 1) fail(`unexpected argument "${positionals[1]}"`);
  const raw = values['no-db-lookup'] === true;
  const mdns = new Mdns({
    ...(values.interface ? { interfaces: values.interface } : {}),
    ...(values['no-ipv6'] ? { ipv6: false } : {}),
  });
  mdns.on('error', (e) => process.stderr.write(`boaster: ${e.message}\n`));
  try {
    await mdns.core.start();
  } catch (error) {
    process.stderr.write(
      `boaster: cannot open the mDNS sockets: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await mdns.close();
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  let lastChange = started;
  const out = (line: string): void => {
    lastChange = Date.now();
    process.stdout.write(`${line}\n`);
  };
  const browsers: Browser[] = [];
  const follow = (serviceType: string): void => {
    let browser: Browser;
    try {
      browser = mdns.browse(serviceType);
    } catch (error) {
      if (values.all) return; // a malformed type someone announces: not ours to browse
      fail(error instanceof Error ? error.message : String(error));
    }
    browsers.push(browser);
    // As avahi-browse: `+` when a PTR names an instance, `=` once it is resolved (-r), `-` when the PTR goes.
    browser.on('found', (found) => {
      if (values.json) return;
      out(values.parsable ? parsableBrowseLine('+', found, found, raw) : readableBrowseLine('+', found, found, raw));
    });
    browser.on('lost', (lost) => {
      if (values.json) return;
      out(values.parsable ? parsableBrowseLine('-', lost, lost, raw) : readableBrowseLine('-', lost, lost, raw));
    });
    browser.on('up', (service) => {
      if (values.json) return out(JSON.stringify({ event: 'up', service: jsonService(service) }));
      if (!values.resolve) return;
      for (const place of placesOf(mdns, browser.browsing, service))
        out(values.parsable ? parsableResolvedLine(place, service, raw) : readableResolvedLine(place, service, raw));
    });
    browser.on('update', (service) => {
      lastChange = Date.now();
      if (values.json) out(JSON.stringify({ event: 'update', service: jsonService(service) }));
    });
    browser.on('down', (service) => {
      if (values.json) out(JSON.stringify({ event: 'down', service: jsonService(service) }));
    });
  };
  if (values.all) {
    const types = mdns.browseTypes();
    types.on('up', (t) => {
      lastChange = Date.now();
      follow(t);
    });
  } else {
    follow(type as string);
  }
  await new Promise<void>((resolve) => {
    const finish = (): void => resolve();
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (values.terminate) {
      const check = setInterval(() => {
        const now = Date.now();
        if ((now - started >= SETTLE_MIN_MS && now - lastChange >= SETTLE_QUIET_MS) || now - started >= SETTLE_MAX_MS) {
          clearInterval(check);
          finish();
        }
      }, 100);
    }
  });
  for (const b of browsers) b.stop();
  await mdns.close();
}

/** A service for --json: addresses and TXT as plain values. */
function jsonService(s: ServiceInstance): Record<string, unknown> {
  return {
    name: s.name,
    type: s.type,
    domain: s.domain,
    host: s.host,
    port: s.port,
    addresses: s.addresses,
    txt: s.txt,
    txtRaw: s.txtRaw.map((t) => Buffer.from(t).toString('base64')),
    interfaces: s.interfaces,
  };
}
