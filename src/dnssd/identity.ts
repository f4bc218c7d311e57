/**
 * Hardware identity in TXT records: for appliance agents, hypervisor hosts and
 * IoT gateways that announce which machine they run on.
 *
 * {@link identityTxt} turns a {@link HardwareIdentity} into short TXT keys
 * (`uuid`, `serial`, `mac`, `vendor`, `model`), normalising UUIDs and MAC
 * addresses and dropping firmware placeholder values. {@link readHostIdentity}
 * gathers what it can from Linux DMI (sysfs) and the network interfaces.
 */

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TxtError } from '../errors.js';
import { isVirtualInterfaceName } from '../transport/interface-names.js';
import { TXT_MAX_STRING_BYTES, type TxtInput, type TxtValue } from './txt.js';

/** A machine's hardware identity, as given to {@link identityTxt}. Every field is optional. */
export interface HardwareIdentity {
  /** Host/system UUID (SMBIOS), any case, with or without hyphens, braces or `urn:uuid:`. */
  readonly uuid?: string | null | undefined;
  /** Serial number. */
  readonly serial?: string | null | undefined;
  /** One or more MAC addresses: an array, or one string (several may be separated by commas or spaces). */
  readonly mac?: string | readonly string[] | null | undefined;
  /** Manufacturer. */
  readonly vendor?: string | null | undefined;
  /** Product / model name. */
  readonly model?: string | null | undefined;
}

/** What {@link readHostIdentity} found; fields it could not read are absent. */
export interface HostIdentity {
  /** System UUID, lower-case 8-4-4-4-12 (from `product_uuid`, usually readable by root only). */
  readonly uuid?: string;
  /** System serial number (from `product_serial`, usually readable by root only). */
  readonly serial?: string;
  /** Manufacturer (from `sys_vendor`). */
  readonly vendor?: string;
  /** Product name (from `product_name`). */
  readonly model?: string;
  /** MAC addresses of physical-looking interfaces, lower-case colon form, by interface name. */
  readonly mac: readonly string[];
}

/** Options of {@link readHostIdentity}; the defaults read the real machine. */
export interface ReadHostIdentityOptions {
  /** Root of sysfs; DMI is read from `<sysfsRoot>/class/dmi/id/`. Default `/sys`. */
  readonly sysfsRoot?: string | undefined;
  /** Source of interfaces. Default `os.networkInterfaces`. */
  readonly networkInterfaces?: (() => NodeJS.Dict<os.NetworkInterfaceInfo[]>) | undefined;
  /** Which interfaces to take MACs from. Default: not {@link isVirtualInterfaceName}. */
  readonly includeInterface?: ((name: string) => boolean) | undefined;
}

/** TXT keys written by {@link identityTxt}, in order (all ≤ 9 characters, RFC 6763 §6.4). */
export const IDENTITY_TXT_KEYS = ['uuid', 'serial', 'mac', 'vendor', 'model'] as const;

/** How many MAC addresses fit in one `mac=` TXT string: 4 + 17·n + (n−1) ≤ 255. */
export const IDENTITY_MAX_MACS = Math.floor((TXT_MAX_STRING_BYTES - 'mac='.length + 1) / 18);

/**
 * Placeholder strings firmware commonly leaves in DMI/SMBIOS fields. They are
 * compared ignoring case, spaces and punctuation (so `To be filled by O.E.M`
 * matches too). Besides these, {@link isPlaceholderValue} treats as placeholders
 * a value that is a single character or one character repeated (`0`,
 * `00000000`, `XXXXXXXX`, `FFFF`) and a value with no letter or digit at all
 * (`.`, `--`).
 */
export const DMI_PLACEHOLDER_VALUES: readonly string[] = [
  'To Be Filled By O.E.M.',
  'Default string',
  'System Serial Number',
  'System Product Name',
  'System manufacturer',
  'System Version',
  'Chassis Serial Number',
  'Base Board Serial Number',
  'Not Specified',
  'Not Applicable',
  'Not Available',
  'Not Settable',
  'Not Present',
  'None',
  'N/A',
  'Unknown',
  'OEM',
  '0123456789',
  '123456789',
  '1234567890',
];

/**
 * UUIDs that firmware ships on many boards, so they identify nothing. Besides
 * these, any UUID made of one repeated hex digit (all-zero, all-F) is a placeholder.
 */
export const PLACEHOLDER_UUIDS: readonly string[] = [
  '03000200-0400-0500-0006-000700080009', // AMI/Gigabyte "unset" UUID, as SMBIOS byte order prints it
  '00020003-0004-0005-0006-000700080009', // the same bytes read without the SMBIOS byte swap
  '00010203-0405-0607-0809-0a0b0c0d0e0f',
  'fefefefe-fefe-fefe-fefe-fefefefefefe',
];

/** Lower-cases and removes everything but letters and digits, for comparisons. */
function squash(value: string): string {
  return value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const PLACEHOLDERS = new Set(DMI_PLACEHOLDER_VALUES.map(squash));

/**
 * Whether `value` is a firmware placeholder rather than real data (see
 * {@link DMI_PLACEHOLDER_VALUES} and {@link PLACEHOLDER_UUIDS}). Empty and
 * whitespace-only values count as placeholders.
 */
export function isPlaceholderValue(value: string): boolean {
  const s = squash(value);
  if (s.length === 0 || PLACEHOLDERS.has(s)) return true;
  if ([...s].every((ch) => ch === s[0])) return true; // "0", "00000000", "xxxxxx"
  const uuid = parseUuid(value);
  return uuid !== null && PLACEHOLDER_UUIDS.includes(uuid);
}

/** Parses a UUID to lower-case 8-4-4-4-12, or `null` if it is not one. */
function parseUuid(value: string): string | null {
  let s = value.trim().toLowerCase();
  if (s.startsWith('urn:uuid:')) s = s.slice('urn:uuid:'.length);
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  let hex: string;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) {
    hex = s.replaceAll('-', '');
  } else if (/^[0-9a-f]{32}$/.test(s)) {
    hex = s;
  } else {
    return null;
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Normalises a UUID to lower-case 8-4-4-4-12. Accepts any case, 32 bare hex
 * digits, `{...}` braces and a `urn:uuid:` prefix. The version and variant bits
 * are not checked: SMBIOS UUIDs often do not follow RFC 9562.
 *
 * @throws {TxtError} `BAD_VALUE` if `value` is not a UUID.
 */
export function normalizeUuid(value: string): string {
  const uuid = parseUuid(value);
  if (uuid === null) {
    throw new TxtError(
      'BAD_VALUE',
      `${JSON.stringify(value)} is not a UUID; expected 32 hex digits as 8-4-4-4-12, ` +
        'e.g. "4c4c4544-0042-3510-8052-b3c04f4b4e32"',
    );
  }
  return uuid;
}

/**
 * Normalises a MAC address to lower-case colon form `aa:bb:cc:dd:ee:ff`.
 * Accepts `:` or `-` separated octets (one or two hex digits each, one kind of
 * separator), Cisco dotted form `aabb.ccdd.eeff` and 12 bare hex digits.
 *
 * @throws {TxtError} `BAD_VALUE` if `value` is not a 48-bit MAC address.
 */
export function normalizeMac(value: string): string {
  const s = value.trim().toLowerCase();
  let octets: string[] | null = null;
  if (/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/.test(s)) octets = s.split(':');
  else if (/^[0-9a-f]{1,2}(-[0-9a-f]{1,2}){5}$/.test(s)) octets = s.split('-');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s) || /^[0-9a-f]{12}$/.test(s)) {
    octets = s.replaceAll('.', '').match(/../g);
  }
  if (octets === null) {
    throw new TxtError(
      'BAD_VALUE',
      `${JSON.stringify(value)} is not a MAC address; use aa:bb:cc:dd:ee:ff, ` +
        'aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff',
    );
  }
  return octets.map((o) => o.padStart(2, '0')).join(':');
}

/** `00:00:00:00:00:00` and `ff:ff:ff:ff:ff:ff` name no interface. */
function isPlaceholderMac(mac: string): boolean {
  return mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff';
}

/** Trims a text field; `undefined` when absent, blank or a placeholder. */
function cleanText(field: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new TxtError('BAD_VALUE', `identity.${field} must be a string, got ${typeof value}`);
  }
  const s = value.trim();
  return s.length === 0 || isPlaceholderValue(s) ? undefined : s;
}

/** Normalised, de-duplicated, non-placeholder MACs in the given order. */
function cleanMacs(value: HardwareIdentity['mac']): string[] {
  if (value === null || value === undefined) return [];
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  const macs: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      throw new TxtError('BAD_VALUE', `identity.mac entries must be strings, got ${typeof item}`);
    }
    if (item.trim().length === 0) continue;
    const mac = normalizeMac(item);
    if (!isPlaceholderMac(mac) && !macs.includes(mac)) macs.push(mac);
  }
  return macs;
}

/**
 * Builds TXT attributes announcing hardware identity, with short keys
 * (RFC 6763 §6.4: ≤ 9 characters) in this order: `uuid` (lower-case
 * 8-4-4-4-12), `serial`, `mac` (lower-case colon form, comma-joined, duplicates
 * dropped), `vendor`, `model`. Values are trimmed; blank values and firmware
 * placeholders ({@link isPlaceholderValue}, all-zero/broadcast MACs) are
 * omitted. `extra` attributes follow, unchanged; they are validated by
 * {@link encodeTxt} when the record is encoded.
 *
 * @example
 * ```ts
 * encodeTxt(identityTxt(await readHostIdentity(), { role: 'gateway' }));
 * ```
 * @throws {TxtError} `BAD_VALUE` (a UUID or MAC that does not parse),
 *   `STRING_TOO_LONG` (more than {@link IDENTITY_MAX_MACS} MACs, or a value
 *   over 255 bytes), `DUPLICATE_KEY` (an `extra` key equal, ignoring case, to
 *   an identity key or to another `extra` key: extras never override).
 */
export function identityTxt(identity: HardwareIdentity, extra?: TxtInput): Record<string, TxtValue> {
  const pairs: Array<[string, TxtValue]> = [];
  const add = (key: string, value: string | undefined): void => {
    if (value === undefined) return;
    const size = Buffer.byteLength(`${key}=${value}`, 'utf8');
    if (size > TXT_MAX_STRING_BYTES) {
      throw new TxtError(
        'STRING_TOO_LONG',
        `identity.${key} makes a ${size}-byte TXT string; the limit is ${TXT_MAX_STRING_BYTES} ` +
          'bytes (RFC 6763 §6.1). Shorten it',
      );
    }
    pairs.push([key, value]);
  };

  const uuid = cleanText('uuid', identity.uuid);
  add('uuid', uuid === undefined ? undefined : normalizeUuid(uuid));
  add('serial', cleanText('serial', identity.serial));
  const macs = cleanMacs(identity.mac);
  if (macs.length > IDENTITY_MAX_MACS) {
    throw new TxtError(
      'STRING_TOO_LONG',
      `${macs.length} MAC addresses make a ${4 + macs.length * 18 - 1}-byte TXT string; at most ` +
        `${IDENTITY_MAX_MACS} fit in ${TXT_MAX_STRING_BYTES} bytes (RFC 6763 §6.1). Pass fewer, ` +
        `e.g. mac: macs.slice(0, ${IDENTITY_MAX_MACS}), or only the management interfaces`,
    );
  }
  if (macs.length > 0) add('mac', macs.join(','));
  add('vendor', cleanText('vendor', identity.vendor));
  add('model', cleanText('model', identity.model));

  if (extra !== undefined) {
    const taken = new Map<string, string>(IDENTITY_TXT_KEYS.map((k) => [k, `identity key "${k}"`]));
    const extraPairs: Iterable<readonly [string, TxtValue]> =
      Symbol.iterator in extra
        ? (extra as Iterable<readonly [string, TxtValue]>)
        : Object.entries(extra as Readonly<Record<string, TxtValue>>);
    for (const [key, value] of extraPairs) {
      const folded = String(key).toLowerCase();
      const clash = taken.get(folded);
      if (clash !== undefined) {
        const hint = IDENTITY_TXT_KEYS.some((k) => k === folded) ? `; set identity.${folded} instead` : '';
        throw new TxtError(
          'DUPLICATE_KEY',
          `extra TXT key ${JSON.stringify(key)} collides with ${clash} (keys are case-insensitive, ` +
            `RFC 6763 §6.4) and extras never override${hint}`,
        );
      }
      taken.set(folded, `extra key ${JSON.stringify(key)}`);
      pairs.push([key, value]);
    }
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(pairs);
}

/** Reads one DMI file; `undefined` if missing, unreadable, blank, garbled or a placeholder. */
async function readDmi(dir: string, file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch {
    return undefined; // missing, or root-only (EACCES): just omit it
  }
  const s = text.trim();
  // Control characters or invalid UTF-8 (U+FFFD) mean unprogrammed or garbage data.
  if (s.length === 0 || /[\u0000-\u001f\u007f\ufffd]/u.test(s)) return undefined;
  return isPlaceholderValue(s) ? undefined : s;
}

/**
 * Reads this machine's hardware identity, for {@link identityTxt}: system
 * UUID, serial, vendor and product name from Linux DMI
 * (`/sys/class/dmi/id/{product_uuid,product_serial,sys_vendor,product_name}`)
 * and MAC addresses of non-internal, non-virtual interfaces (unique, by
 * interface name in code-unit order). Anything missing, unreadable (the UUID
 * and serial usually need root), not a UUID or a placeholder is omitted; it
 * never throws for that, and gives only the MACs on non-Linux systems.
 * `os.networkInterfaces()` lists only interfaces that have an address.
 * A host with more than {@link IDENTITY_MAX_MACS} MACs needs trimming before
 * {@link identityTxt}.
 */
export async function readHostIdentity(options: ReadHostIdentityOptions = {}): Promise<HostIdentity> {
  const dir = path.join(options.sysfsRoot ?? '/sys', 'class', 'dmi', 'id');
  const [rawUuid, serial, vendor, model] = await Promise.all(
    ['product_uuid', 'product_serial', 'sys_vendor', 'product_name'].map((f) => readDmi(dir, f)),
  );
  const uuid = rawUuid === undefined ? null : parseUuid(rawUuid);

  const include = options.includeInterface ?? ((name: string) => !isVirtualInterfaceName(name));
  let interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {};
  try {
    interfaces = (options.networkInterfaces ?? os.networkInterfaces)();
  } catch {
    // Some sandboxes make os.networkInterfaces() throw; report no MACs.
  }
  const mac: string[] = [];
  const names = Object.keys(interfaces).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (!include(name)) continue;
    for (const info of interfaces[name] ?? []) {
      if (info.internal) continue;
      let normalized: string;
      try {
        normalized = normalizeMac(info.mac);
      } catch {
        continue;
      }
      if (!isPlaceholderMac(normalized) && !mac.includes(normalized)) mac.push(normalized);
    }
  }

  return {
    ...(uuid !== null && !isPlaceholderValue(uuid) ? { uuid } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(vendor !== undefined ? { vendor } : {}),
    ...(model !== undefined ? { model } : {}),
    mac,
  };
}
