#!/usr/bin/env node
// An HTTP server that announces itself: `_http._tcp` on the port it got,
// with its path in TXT (RFC 6763 §6), found by avahi-browse, macOS Safari's
// Bonjour list and `dns-sd -B _http._tcp`. Ctrl-C or SIGTERM stops the
// server and sends goodbyes.
//
//   node examples/http-server.mjs [PORT]        (default: any free port)
import http from 'node:http';
import os from 'node:os';
import { Mdns } from 'boaster';

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`hello from ${os.hostname()}\n`);
});
await new Promise((resolve) => server.listen(Number(process.argv[2] ?? 0), resolve));
const { port } = server.address();

const mdns = new Mdns();
mdns.on('error', (e) => console.error(`mdns: ${e.message}`));
const service = mdns.responder.register({
  name: `Web on ${os.hostname().split('.')[0]}`,
  type: '_http._tcp',
  port,
  txt: { path: '/' },
});
service.on('renamed', (from, to) => console.log(`"${from}" was taken; now "${to}"`));

const stop = () => {
  server.close();
  void mdns.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await service.announced;
console.log(`announced "${service.name}" (_http._tcp) on port ${port} as ${mdns.responder.hostName}`);
