#!/usr/bin/env node
// A daemon publishing COUNT services with the library (for shutdown.lab.test.ts,
// run inside a lab host through tsx, which maps `boaster` to src/), stopped
// with the SIGTERM handler README recommends: `mdns.close()` sends the
// goodbyes (RFC 6762 §10.1), then the sockets close and the process ends by
// itself (nothing else keeps it alive).
//
//   node --import tsx publish-many.mjs COUNT HOST
//
// Prints one JSON line once every service is announced:
// {"kind":"announced","count":N,"host":"HOST.local","renamed":R}.
import { Mdns } from 'boaster';

const count = Number(process.argv[2] ?? 1000);
const hostName = process.argv[3] ?? 'many';
if (!Number.isInteger(count) || count < 1 || count > 5000) throw new Error(`COUNT must be 1..5000, got ${count}`);

const mdns = new Mdns({ hostName });
mdns.on('error', (e) => console.error(`mdns: ${e.message}`));
process.on('SIGTERM', () => void mdns.close());

let renamed = 0;
const services = Array.from({ length: count }, (_, i) => {
  const service = mdns.responder.register({
    name: `Bulk ${i}`,
    type: '_bulk._tcp',
    port: 10_000 + i,
    txt: { i: String(i) },
  });
  service.on('renamed', () => renamed++);
  return service;
});
await Promise.all(services.map((s) => s.announced));
console.log(JSON.stringify({ kind: 'announced', count, host: mdns.responder.hostName, renamed }));
