/**
 * The bad-input table on the real UDP transport, run in a lab host as
 * `node --import tsx test/api/bad-input-driver.ts IFNAME`: every bad
 * constructor option and service spec of bad-input-table.ts against
 * `new Responder({ interfaces: [IFNAME], ... })` with real sockets, and a
 * publish on an interface that does not exist. Prints one JSON line:
 * { options: {label: code}, specs: {label: code}, noInterface: code,
 *   unhandled: n, uncaught: n, published: name } — `published` is a valid
 * service announced afterwards on the same process (it lived through all
 * of it). Exits by itself.
 */
import { Responder } from '../../src/api/responder.js';
import type { ServiceSpec } from '../../src/records/service-records.js';
import { BAD_OPTIONS, BAD_SPECS, SPEC } from './bad-input-table.js';

const ifname = process.argv[2] ?? 'eth0';
let unhandled = 0;
let uncaught = 0;
process.on('unhandledRejection', () => void unhandled++);
process.on('uncaughtException', () => void uncaught++);

const codeOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : `not typed: ${String(e)}`;

async function main(): Promise<void> {
  const options: Record<string, string> = {};
  for (const [label, bad] of BAD_OPTIONS) {
    try {
      const r = new Responder({ interfaces: [ifname], ...bad } as never);
      options[label] = 'accepted';
      await r.close();
    } catch (e) {
      options[label] = codeOf(e);
    }
  }
  const responder = new Responder({ interfaces: [ifname], hostName: 'badinput' });
  responder.on('error', () => undefined);
  const specs: Record<string, string> = {};
  for (const [label, change] of BAD_SPECS) {
    specs[label] = await responder.publish({ ...SPEC, ...change } as ServiceSpec).then(() => 'accepted', codeOf);
  }
  const nowhere = new Responder({ interfaces: ['nonexistent0'], hostName: 'nowhere' });
  nowhere.on('error', () => undefined);
  const noInterface = await nowhere.publish(SPEC).then(() => 'accepted', codeOf);
  await nowhere.close();
  const published = await responder.publish({ ...SPEC, name: 'after bad input' }).then((s) => s.name, codeOf);
  // Timers that could still throw get their chance.
  await new Promise((r) => setTimeout(r, 1500));
  await responder.close();
  process.stdout.write(`${JSON.stringify({ options, specs, noInterface, unhandled, uncaught, published })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bad-input driver: ${String(e)}\n`);
    process.exit(1);
  },
);
