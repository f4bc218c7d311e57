/**
 * The announcer's configuration: a JSON or TOML file (by its extension),
 * overridden by flags, validated with errors that name the field and what
 * to write instead. Defaults: the management endpoint `_hypervisor._tcp`
 * on 443 and `_ssh._tcp` on 22, named after the host.
 */
import { parse as parseToml } from 'smol-toml';
import type { InventorySource } from './vm-inventory.js';

/** One service to publish. */
export interface ServiceConfig {
  /** Instance name; default the host label. */
  readonly name: string | undefined;
  readonly type: string;
  readonly port: number;
  /** Extra TXT keys (the hardware identity is added to every service). */
  readonly txt: Readonly<Record<string, string>>;
}

/** Everything the announcer is told. */
export interface AnnouncerConfig {
  /** Interface to announce on; default the one with the default route. */
  readonly interface: string | undefined;
  /** Host label; default this machine's name. */
  readonly hostName: string | undefined;
  readonly services: readonly ServiceConfig[];
  /** How often the addresses are looked at again (ms). */
  readonly pollMs: number;
  /** One JSON object per log line. */
  readonly logJson: boolean;
  /** Where the VMs this host runs are listed (none: no VMs advertised). */
  readonly vms: InventorySource;
}

/** A configuration that cannot be used: `message` names the field and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_SERVICES: readonly ServiceConfig[] = [
  { name: undefined, type: '_hypervisor._tcp', port: 443, txt: {} },
  { name: undefined, type: '_ssh._tcp', port: 22, txt: {} },
];
const DEFAULT_POLL_MS = 1_000;
const KEYS = new Set(['interface', 'hostName', 'services', 'pollMs', 'logJson', 'vms']);
const SERVICE_KEYS = new Set(['name', 'type', 'port', 'txt']);

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(
      `${where} must be a table (an object), got ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(`${where} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function service(value: unknown, where: string): ServiceConfig {
  const s = object(value, where);
  for (const key of Object.keys(s))
    if (!SERVICE_KEYS.has(key))
      throw new ConfigError(`${where}.${key} is not a service setting (name, type, port, txt)`);
  const type = optionalString(s['type'], `${where}.type`);
  if (type === undefined) throw new ConfigError(`${where}.type is missing: write e.g. type = "_hypervisor._tcp"`);
  const port = s['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${where}.port must be a whole number from 0 to 65535, got ${JSON.stringify(port)}`);
  const txt: Record<string, string> = {};
  if (s['txt'] !== undefined) {
    for (const [key, v] of Object.entries(object(s['txt'], `${where}.txt`))) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        throw new ConfigError(`${where}.txt.${key} must be a string, number or boolean`);
      txt[key] = String(v);
    }
  }
  return { name: optionalString(s['name'], `${where}.name`), type, port, txt };
}

/** Validate a parsed configuration (from JSON or TOML). */
export function checkConfig(value: unknown, where = 'the configuration'): AnnouncerConfig {
  const c = object(value, where);
  for (const key of Object.keys(c))
    if (!KEYS.has(key)) throw new ConfigError(`"${key}" is not a setting; the settings are ${[...KEYS].join(', ')}`);
  const services = c['services'] === undefined ? DEFAULT_SERVICES : c['services'];
  if (!Array.isArray(services) || services.length === 0)
    throw new ConfigError('services must be a non-empty list of tables ([[services]] in TOML)');
  const pollMs = c['pollMs'] ?? DEFAULT_POLL_MS;
  if (typeof pollMs !== 'number' || !Number.isInteger(pollMs) || pollMs < 200 || pollMs > 600_000)
    throw new ConfigError(`pollMs must be a whole number of ms from 200 to 600000, got ${JSON.stringify(pollMs)}`);
  if (c['logJson'] !== undefined && typeof c['logJson'] !== 'boolean')
    throw new ConfigError('logJson must be true or false');
  const vms = c['vms'] === undefined ? {} : object(c['vms'], 'vms');
  for (const key of Object.keys(vms))
    if (!['file', 'dir', 'virsh'].includes(key))
      throw new ConfigError(`vms.${key} is not a VM inventory setting (file, dir, virsh)`);
  if (vms['virsh'] !== undefined && typeof vms['virsh'] !== 'boolean')
    throw new ConfigError('vms.virsh must be true or false');
  return {
    vms: {
      file: optionalString(vms['file'], 'vms.file'),
      dir: optionalString(vms['dir'], 'vms.dir'),
      virsh: vms['virsh'] === true,
    },
    interface: optionalString(c['interface'], 'interface'),
    hostName: optionalString(c['hostName'], 'hostName'),
    services: services.map((s, i) => service(s, `services[${i}]`)),
    pollMs,
    logJson: c['logJson'] === true,
  };
}

/** Parse a configuration file's text; `.toml` is TOML, anything else JSON. */
export function parseConfig(text: string, file: string): AnnouncerConfig {
  let value: unknown;
  try {
    value = file.endsWith('.toml') ? parseToml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid ${file.endsWith('.toml') ? 'TOML' : 'JSON'}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  try {
    return checkConfig(value);
  } catch (error) {
    throw error instanceof ConfigError ? new ConfigError(`${file}: ${error.message}`) : error;
  }
}
