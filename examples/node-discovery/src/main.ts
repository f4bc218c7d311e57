/**
 * node-discovery, the other side of the hypervisor announcer (boaster's
 * sibling "loudmouth"): browses `_hypervisor._tcp`, keeps a live table of
 * the nodes (addresses, hardware identity, hypervisor, the VMs each hosts,
 * first and last seen, gone) and prints it as it changes; `--json` prints one JSON object per
 * event instead (ndjson, for scripts); `--http HOST:PORT` also serves a page
 * showing the table live (server-sent events).
 *
 *   node-discovery [--json] [--http HOST:PORT] [--interface IF]
 *
 * SIGTERM and SIGINT stop it (exit 0). Exit 2 on bad usage.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Mdns, type ServiceInstance } from 'boaster';
import { NodeTable, type NodeEvent } from './node-table.js';
import { page } from './page.js';

const USAGE = 'usage: node-discovery [--json] [--http HOST:PORT] [--interface IF]';

function usage(message: string): never {
  process.stderr.write(`node-discovery: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { json?: boolean; http?: string; interface?: string[]; help?: boolean };
try {
  values = parseArgs({
    options: {
      json: { type: 'boolean' },
      http: { type: 'string' },
      interface: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const listen = values.http === undefined ? undefined : /^(.+):(\d{1,5})$/.exec(values.http);
if (values.http !== undefined && (!listen || Number(listen[2]) > 65535))
  usage(`--http "${values.http}" must be HOST:PORT, e.g. 127.0.0.1:8080`);

const table = new NodeTable();
const clients = new Set<http.ServerResponse>();
const mdns = new Mdns(values.interface ? { interfaces: values.interface } : {});
mdns.on('error', (e) => process.stderr.write(`node-discovery: ${e.message}\n`));
const browser = mdns.browse('_hypervisor._tcp');

const changed = (e: NodeEvent): void => {
  if (values.json) process.stdout.write(`${JSON.stringify(e)}\n`);
  else process.stdout.write(`\n${new Date().toISOString()} ${e.event} ${e.node.name}\n${table.render()}\n`);
  for (const c of clients) c.write(`data: ${JSON.stringify(e)}\n\n`);
};
browser.on('up', (s) => changed(table.apply('up', s)));
browser.on('update', (s) => changed(table.apply('update', s)));
browser.on('down', (s) => changed(table.apply('down', s)));
// The VMs the nodes host (hypervisor-announcer's --vms-*): each change shows as an update of its node.
const vmBrowser = mdns.browse('_hypervisor-vm._tcp');
const vmChanged = (kind: 'up' | 'update' | 'down', s: ServiceInstance): void => {
  const e = table.applyVm(kind, s);
  if (e) changed(e);
};
vmBrowser.on('up', (s) => vmChanged('up', s));
vmBrowser.on('update', (s) => vmChanged('update', s));
vmBrowser.on('down', (s) => vmChanged('down', s));

let server: http.Server | undefined;
if (listen) {
  server = http.createServer((req, res) => {
    if (req.url === '/')
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(table.nodes));
    if (req.url === '/nodes')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(table.nodes));
    if (req.url === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': live\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    res.writeHead(404).end();
  });
  server.on('error', (e) => usage(`cannot serve on ${values.http}: ${e.message}`));
  server.listen(Number(listen[2]), (listen[1] ?? '').replace(/^\[(.*)\]$/, '$1'), () =>
    process.stderr.write(`node-discovery: serving http://${values.http}/\n`),
  );
}

const stop = (): void => {
  browser.stop();
  vmBrowser.stop();
  for (const c of clients) c.end();
  server?.close();
  void mdns.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stderr.write('node-discovery: browsing _hypervisor._tcp\n');
