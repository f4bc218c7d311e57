#!/usr/bin/env node
/**
 * The `boaster` command: `publish` (this file), `browse` (browse.ts) and
 * `resolve` (resolve.ts), modelled on avahi-utils.
 *
 * `boaster publish NAME TYPE PORT [KEY=VALUE ...]`, modelled on
 * `avahi-publish -s` and `dns-sd -R`. Prints a line when the service is
 * announced and on every rename (avahi-publish's words), during the first
 * probe too, and one when a storm of conflicts slows probing down (RFC 6762
 * §8.1); SIGINT/SIGTERM send goodbyes and exit 0. `--version` prints
 * the version.
 */
import { parseArgs } from 'node:util';
import { browse, BROWSE_USAGE } from './browse.js';
import { resolve, RESOLVE_USAGE } from './resolve.js';
import { Responder } from '../api/responder.js';
import type { TxtValue } from '../dnssd/txt.js';
import { versionLine } from './version.js';

const PUBLISH_USAGE = `usage: boaster publish NAME TYPE PORT [KEY=VALUE ...]
  --host NAME         host label to announce (default: this machine's name)
  --subtype SUB       subtype, repeatable (e.g. _printer)
  --interface IF      interface to use, repeatable (default: all LAN interfaces)
  --no-ipv6           IPv4 only
  --no-rename         fail instead of renaming on a name conflict
  -v, --verbose       log each probe, conflict and answer decision to stderr
exit status: 0 stopped by a signal (goodbyes sent), 1 a name conflict with --no-rename or a failure, 2 bad usage`;

const USAGE = `usage: boaster COMMAND [options]   (boaster COMMAND --help for its options)
  publish NAME TYPE PORT [KEY=VALUE ...]   announce a service
  browse TYPE | --all                      find services
  resolve NAME.local | --service NAME TYPE resolve a host or a service
  --version                                print the version`;

function fail(message: string, usage = USAGE): never {
  process.stderr.write(`boaster: ${message}\n${usage}\n`);
  process.exit(2);
}

/** `key=value` → value; `key` → true (a boolean attribute, RFC 6763 §6.4). */
function parseTxt(items: string[]): Record<string, TxtValue> {
  const txt: Record<string, TxtValue> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at === 0) fail(`TXT item "${item}" has no key`, PUBLISH_USAGE);
    if (at < 0) txt[item] = true;
    else txt[item.slice(0, at)] = item.slice(at + 1);
  }
  return txt;
}

const OPTIONS = {
  host: { type: 'string' },
  subtype: { type: 'string', multiple: true },
  interface: { type: 'string', multiple: true },
  'no-ipv6': { type: 'boolean' },
  'no-rename': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

function parse(
  args: string[],
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>> {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), PUBLISH_USAGE);
  }
}

/** The line printed when a name meets a storm of conflicts (RFC 6762 §8.1 rate limit). */
function rateLimitLine(what: 'Host' | 'Service', conflicts: number, delayMs: number): string {
  return `${what} name conflicts: ${conflicts} within 10 s, probing each new name after ${delayMs / 1000} s (RFC 6762 §8.1)\n`;
}

async function publish(args: string[]): Promise<void> {
  const { values, positionals } = parse(args);
  const [name, type, portText, ...txtItems] = positionals;
  if (!name || !type || !portText) fail('publish needs NAME, TYPE and PORT', PUBLISH_USAGE);
  // Decimal digits only: Number() would take "0x50", "1e3" and " 80".
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT "${portText}" must be a decimal number from 0 to 65535`, PUBLISH_USAGE);
  const responder = new Responder({
    ...(values.host ? { hostName: values.host } : {}),
    ...(values.interface ? { interfaces: values.interface } : {}),
    ...(values['no-ipv6'] ? { ipv6: false } : {}),
    ...(values['no-rename'] ? { autoRename: false } : {}),
    ...(values.verbose
      ? {
          logger: {
            debug: (m: string) => process.stderr.write(`boaster: ${m}\n`),
            info: (m: string) => process.stderr.write(`boaster: ${m}\n`),
          },
        }
      : {}),
  });
  responder.on('error', (e) => process.stderr.write(`boaster: ${e.message}\n`));
  responder.on('hostRenamed', (from, to) => process.stdout.write(`Host renamed from '${from}' to '${to}'\n`));
  responder.on('hostRateLimited', (conflicts, delayMs) =>
    process.stdout.write(rateLimitLine('Host', conflicts, delayMs)),
  );
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await responder.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // The handle comes before the first probe, so a rename at any moment is printed (as avahi-publish does).
  const service = responder.register({
    name,
    type,
    port,
    txt: parseTxt(txtItems),
    ...(values.subtype ? { subtypes: values.subtype } : {}),
  });
  service.on('renamed', (from, to) =>
    process.stdout.write(`Service name collision, renaming service to '${to}' (was '${from}')\n`),
  );
  service.on('rateLimited', (conflicts, delayMs) => process.stdout.write(rateLimitLine('Service', conflicts, delayMs)));
  service.on('conflict', (taken) => {
    process.stderr.write(`boaster: the name '${taken}' was taken on the network (--no-rename): stopping\n`);
    void responder.close().then(() => process.exit(1));
  });
  try {
    await service.announced;
  } catch (error) {
    // Ctrl-C while probing: the goodbyes are under way and exit 0 follows.
    if (stopping) return;
    throw error;
  }
  service.on('announced', (n) => process.stdout.write(`Established under name '${n}'\n`));
  process.stdout.write(
    `Established under name '${service.name}' (${service.type} port ${port} on ${responder.hostName})\n`,
  );
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'publish' && (rest.includes('--help') || rest.includes('-h')))
    return void process.stdout.write(`${PUBLISH_USAGE}\n`);
  if (command === 'publish') return publish(rest);
  if (command === 'browse') return browse(rest, (m) => fail(m, BROWSE_USAGE));
  if (command === 'resolve') return resolve(rest, (m) => fail(m, RESOLVE_USAGE));
  if (command === '--version' || command === '-V') return void process.stdout.write(`${versionLine()}\n`);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  fail(`unknown command "${command}"`);
}

main().catch((error: unknown) => {
  process.stderr.write(`boaster: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
