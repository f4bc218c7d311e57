/**
 * The TXT every announced service carries (RFC 6763 §6): the hardware
 * identity through boaster's helpers (system UUID, serial, vendor, model,
 * the announcing interface's MAC), the hypervisor facts, the boot time and
 * the DHCP-assigned addresses, each field optional, short keys (§6.4), and
 * within the library's TXT limits (identityTxt leaves out what is missing
 * or a placeholder).
 */
import { identityTxt, type HostIdentity, type TxtValue } from 'boaster';
import type { HostAddress } from './dhcp-source.js';
import type { HypervisorFacts } from './hypervisor.js';

/** TXT keys, all ≤ 9 characters (RFC 6763 §6.4). */
export const TXT_KEYS = {
  hypervisor: 'hv',
  version: 'hvver',
  guest: 'guest',
  boot: 'boot',
  ipv4: 'ip4',
  ipv6: 'ip6',
} as const;

/** RFC 6763 §6.1: a TXT string holds at most 255 bytes, `key=` included. */
const TXT_STRING_BYTES = 255;

/** As many of `list` as fit in one `key=a,b,…` string (a host with many IPv6 addresses lists the first ones). */
function fitting(key: string, list: readonly string[]): string | undefined {
  let out = '';
  for (const item of list) {
    const next = out ? `${out},${item}` : item;
    if (key.length + 1 + next.length > TXT_STRING_BYTES) break;
    out = next;
  }
  return out || undefined;
}

export function hostTxt(
  identity: HostIdentity,
  mac: string | undefined,
  facts: HypervisorFacts,
  addresses: readonly HostAddress[],
  extra: Readonly<Record<string, string>> = {},
): Record<string, TxtValue> {
  const own: Record<string, string> = { txtvers: '1' };
  if (facts.hypervisor) own[TXT_KEYS.hypervisor] = facts.hypervisor;
  if (facts.hypervisorVersion) own[TXT_KEYS.version] = facts.hypervisorVersion;
  if (facts.guestOf) own[TXT_KEYS.guest] = facts.guestOf;
  if (facts.bootedAt !== undefined)
    own[TXT_KEYS.boot] = new Date(facts.bootedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const v4 = fitting(
    TXT_KEYS.ipv4,
    addresses.filter((a) => a.family === 4).map((a) => a.address),
  );
  const v6 = fitting(
    TXT_KEYS.ipv6,
    addresses.filter((a) => a.family === 6).map((a) => a.address),
  );
  if (v4) own[TXT_KEYS.ipv4] = v4;
  if (v6) own[TXT_KEYS.ipv6] = v6;
  // The MAC of the announcing interface only (the identity lists them all).
  const hardware = { ...identity, mac: mac ? [mac] : identity.mac.slice(0, 1) };
  return { ...identityTxt(hardware, own), ...extra };
}
