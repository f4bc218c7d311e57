#!/usr/bin/env node
/**
 * `boaster publish NAME TYPE PORT [KEY=VALUE ...]`, modelled on
 * `avahi-publish -s` and `dns-sd -R`. Prints a line when the service is
 * announced and on every rename; SIGINT/SIGTERM send goodbyes and exit 0.
 */
import { parseArgs } from 'node:util';
import { Responder } from '../api/responder.js';
import type { TxtValue } from '../dnssd/txt.js';

const USAGE = `usage: boaster publish NAME TYPE PORT [KEY=VALUE ...]
  --host NAME         host label to announce (default: this machine's name)
  --subtype SUB       subtype, repeatable (e.g. _printer)
  --interface IF      interface to use, repeatable (default: all LAN interfaces)
  --no-ipv6           IPv4 only
  --no-rename         fail instead of renaming on a name conflict`;

function fail(message: string): never {
  process.stderr.write(`boaster: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** `key=value` → value; `key` → true (a boolean attribute, RFC 6763 §6.4). */
function parseTxt(items: string[]): Record<string, TxtValue> {
  const txt: Record<string, TxtValue> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at === 0) fail(`TXT item "${item}" has no key`);
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
} as const;

function parse(args: string[]): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>> {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

async function publish(args: string[]): Promise<void> {
  const { values, positionals } = parse(args);
  const [name, type, portText, ...txtItems] = positionals;
  if (!name || !type || !portText) fail('publish needs NAME, TYPE and PORT');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT "${portText}" must be a number from 0 to 65535`);
  const responder = new Responder({
    ...(values.host ? { hostName: values.host } : {}),
    ...(values.interface ? { interfaces: values.interface } : {}),
    ...(values['no-ipv6'] ? { ipv6: false } : {}),
    ...(values['no-rename'] ? { autoRename: false } : {}),
  });
  responder.on('error', (e) => process.stderr.write(`boaster: ${e.message}\n`));
  responder.on('hostRenamed', (from, to) => process.stdout.write(`Host renamed from '${from}' to '${to}'\n`));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await responder.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  let service;
  try {
    service = await responder.publish({ name, type, port, txt: parseTxt(txtItems), ...(values.subtype ? { subtypes: values.subtype } : {}) });
  } catch (error) {
    // Ctrl-C while probing: the goodbyes are under way and exit 0 follows.
    if (stopping) return;
    throw error;
  }
  service.on('renamed', (from, to) => process.stdout.write(`Renamed from '${from}' to '${to}'\n`));
  service.on('conflict', (taken) => {
    process.stderr.write(`boaster: the name '${taken}' was taken on the network (--no-rename): stopping\n`);
    void responder.close().then(() => process.exit(1));
  });
  service.on('announced', (n) => process.stdout.write(`Established under name '${n}'\n`));
  process.stdout.write(`Established under name '${service.name}' (${service.type} port ${port} on ${responder.hostName})\n`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'publish') return publish(rest);
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
