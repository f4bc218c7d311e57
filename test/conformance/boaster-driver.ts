/**
 * The conformance target "boaster": publishes one service with the public
 * Responder API in a lab host, so the suite can also drive a manual rename.
 * Run as `node --import tsx test/conformance/boaster-driver.ts '<json>'`
 * with json `{ name, type, port, txt, subtype?, hostName }`.
 *
 * Protocol (shared with ciao-driver.cjs): prints `READY <json>` once the
 * service is announced, `RENAMED <json>` after a rename (conflict or manual),
 * reads `rename <new name>` lines on stdin, and on SIGTERM/SIGINT sends
 * goodbyes, prints `STOPPED` and exits 0. Exits by itself after 300 s.
 *
 * `BOASTER_CONF_FAULTS=a,b` puts a FaultyTransport (faults.ts) under the
 * engine: a deliberately broken boaster, for the fault-injection runs.
 */
import { createInterface } from 'node:readline';
import { Responder, type Service } from '../../src/index.js';
import { UdpTransport } from '../../src/entries/transport.js';
import { FaultyTransport, isFault, type FaultName } from './faults.js';

interface DriverConfig {
  name: string;
  type: string;
  port: number;
  txt: Record<string, string>;
  subtype?: string;
  hostName: string;
}

const LIFETIME_MS = 300_000;

function say(word: string, data?: unknown): void {
  process.stdout.write(`${word}${data === undefined ? '' : ` ${JSON.stringify(data)}`}\n`);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;
  const faultNames = (process.env.BOASTER_CONF_FAULTS ?? '').split(',').filter(Boolean);
  const unknown = faultNames.filter((f) => !isFault(f));
  if (unknown.length > 0) throw new Error(`unknown fault(s) ${unknown.join(', ')}`);
  const faults = new Set(faultNames as FaultName[]);
  let service: Service | undefined;
  let responder: Responder | undefined;
  const ownNames = (): string[] => {
    if (!service || !responder) return [];
    const type = `${service.type}.local`;
    return [service.fullName, type, responder.hostName, ...(cfg.subtype ? [`${cfg.subtype}._sub.${type}`] : [])];
  };
  // Default options, as a user gets them (interfaces polled every 5 s).
  const transport = faults.size > 0 ? new FaultyTransport(new UdpTransport(), faults, ownNames) : new UdpTransport();
  responder = new Responder({ hostName: cfg.hostName, transport });
  responder.on('error', (e) => process.stderr.write(`responder error: ${e.message}\n`));
  responder.on('hostRenamed', (from, to) => say('RENAMED', { host: to, from }));
  service = await responder.publish({
    name: cfg.name,
    type: cfg.type,
    port: cfg.port,
    txt: cfg.txt,
    ...(cfg.subtype ? { subtypes: [cfg.subtype] } : {}),
  });
  service.on('renamed', (from, to) => say('RENAMED', { name: to, from }));
  say('READY', { name: service.name, hostName: responder.hostName, faults: [...faults] });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await responder?.close();
    say('STOPPED');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  setTimeout(() => void stop(), LIFETIME_MS).unref();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const m = /^rename (.+)$/.exec(line.trim());
    if (!m?.[1] || !service) return;
    const from = service.name;
    service.rename(m[1]).then(
      (name) => say('RENAMED', { name, from, manual: true }),
      (e: unknown) => say('ERROR', e instanceof Error ? e.message : String(e)),
    );
  });
}

main().catch((e: unknown) => {
  say('ERROR', e instanceof Error ? e.message : String(e));
  process.exit(1);
});
