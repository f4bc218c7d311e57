#!/usr/bin/env node
// A homelab host that says what it offers and lists its neighbours: SSH
// (and SFTP) on 22 and a dashboard on 80 announced with this host's name,
// and every other host offering SSH on the link printed as it comes and
// goes. Both sides run on one Mdns (one socket set). Ctrl-C or SIGTERM
// sends goodbyes.
//
//   node examples/homelab-host.mjs [--dashboard-port 8080]
import os from 'node:os';
import { Mdns } from 'boaster';

const at = process.argv.indexOf('--dashboard-port');
const dashboardPort = at > 0 ? Number(process.argv[at + 1]) : 80;
const label = os.hostname().split('.')[0];

const mdns = new Mdns();
mdns.on('error', (e) => console.error(`mdns: ${e.message}`));
const services = [
  mdns.responder.register({ name: label, type: '_ssh._tcp', port: 22 }),
  mdns.responder.register({ name: label, type: '_sftp-ssh._tcp', port: 22 }),
  mdns.responder.register({ name: `${label} dashboard`, type: '_http._tcp', port: dashboardPort, txt: { path: '/' } }),
];

const neighbours = mdns.browse('_ssh._tcp');
neighbours.on('up', (s) => {
  if (s.host !== mdns.responder.hostName)
    console.log(`neighbour up: ${s.name} at ${s.addresses.map((a) => a.address).join(', ')} port ${s.port}`);
});
neighbours.on('down', (s) => console.log(`neighbour gone: ${s.name}`));

const stop = () => void mdns.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await Promise.all(services.map((s) => s.announced));
console.log(`announced ${services.map((s) => `"${s.name}" (${s.type})`).join(', ')} as ${mdns.responder.hostName}`);
