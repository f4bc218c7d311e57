#!/usr/bin/env node
// Announce this host on the local link, with its hardware identity in TXT.
//
// It reads the host's identity (DMI and MAC addresses), prints the DNS-SD
// records of a `_boaster._tcp` service for this host and the encoded
// announcement, then publishes it with a Responder until Ctrl-C (which
// sends goodbyes). With --dry-run it prints and sends nothing.
//
// Run from a checkout after `npm run build`:  node examples/announce-host.mjs [--dry-run]
import os from 'node:os';
import {
  decodeTxt,
  encodeTxt,
  identityTxt,
  IDENTITY_MAX_MACS,
  readHostIdentity,
  Responder,
  txtWarnings,
} from 'boaster';
import {
  HOST_NAME_TTL,
  OTHER_TTL,
  FLAG_AUTHORITATIVE,
  FLAG_RESPONSE,
  decodePacket,
  escapeLabel,
  payloadBudget,
  splitPacket,
} from 'boaster/wire';

const identity = await readHostIdentity();
const txt = encodeTxt(identityTxt({ ...identity, mac: identity.mac.slice(0, IDENTITY_MAX_MACS) }, { txtvers: '1' }));
const hostLabel =
  os
    .hostname()
    .split('.')[0]
    .replace(/[^A-Za-z0-9-]/g, '-') || 'boaster';
const host = `${hostLabel}.local`;
const type = '_boaster._tcp.local';
const instance = `${escapeLabel(`boaster on ${hostLabel}`)}.${type}`;

const addresses = Object.values(os.networkInterfaces())
  .flat()
  .filter((info) => info && !info.internal);
const records = [
  { name: type, type: 'PTR', ttl: OTHER_TTL, data: instance },
  {
    name: instance,
    type: 'SRV',
    ttl: HOST_NAME_TTL,
    cacheFlush: true,
    data: { priority: 0, weight: 0, port: 9, target: host },
  },
  { name: instance, type: 'TXT', ttl: OTHER_TTL, cacheFlush: true, data: txt },
  ...addresses.map((info) => ({
    name: host,
    type: info.family === 'IPv4' ? 'A' : 'AAAA',
    ttl: HOST_NAME_TTL,
    cacheFlush: true,
    data: info.address.split('%')[0],
  })),
];

const packets = splitPacket(
  { flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE, answers: records },
  { budget: payloadBudget(1500, 4) },
);
console.log(`boaster will announce ${instance} (host ${host}) with TXT:`);
console.log(decodeTxt(txt));
for (const warning of txtWarnings(txt)) console.log(`warning: ${warning}`);
console.log(
  `\n${records.length} records in ${packets.length} packet(s) of ${packets.map((p) => p.length).join(', ')} bytes:`,
);
for (const packet of packets) {
  for (const r of decodePacket(packet).answers) {
    const data = r.type === 'TXT' ? `${r.data.length} strings` : JSON.stringify(r.data);
    console.log(`  ${r.name}  ${r.type}  ttl=${r.ttl}${r.cacheFlush ? '  cache-flush' : ''}  ${data}`);
  }
}
if (process.argv.includes('--dry-run')) {
  console.log('\n--dry-run: nothing was sent.');
} else {
  const responder = new Responder({ hostName: hostLabel });
  // SIGTERM (what systemd and kill send) like Ctrl-C: goodbyes, so caches drop us at once instead of in 4,500 s.
  const stop = () => void responder.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const service = responder.register({ name: `boaster on ${hostLabel}`, type: '_boaster._tcp', port: 9, txt });
  service.on('renamed', (from, to) => console.log(`renamed "${from}" -> "${to}"`));
  await service.announced;
  console.log(`\nAnnounced as "${service.name}" on ${responder.hostName}; Ctrl-C or SIGTERM sends goodbyes and exits.`);
}
