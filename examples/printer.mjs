#!/usr/bin/env node
// A printer as Bonjour printing expects it: an IPP service on 631 with the
// `_universal` subtype (what AirPrint clients browse for), its capabilities
// in TXT, and an `_printer._tcp` (LPD) record on port 0 that only claims the
// name, so no other printer takes it under another protocol. Ctrl-C or
// SIGTERM sends goodbyes.
//
//   node examples/printer.mjs ["Printer Name"]
import { Responder } from 'boaster';

const name = process.argv[2] ?? 'Lab Printer';
const responder = new Responder();
responder.on('error', (e) => console.error(`mdns: ${e.message}`));

const ipp = responder.register({
  name,
  type: '_ipp._tcp',
  port: 631,
  subtypes: ['_universal'],
  txt: {
    txtvers: 1,
    qtotal: 1,
    rp: 'ipp/print',
    ty: name,
    pdl: 'application/pdf,image/urf',
    Color: 'T',
    Duplex: 'T',
    UUID: '564e4333-4230-3037-3630-2f00b9a1c000',
  },
});
// Port 0: "no such service here", the name held for the printer all the same.
const lpd = responder.register({ name, type: '_printer._tcp', port: 0 });
for (const service of [ipp, lpd])
  service.on('renamed', (from, to) => console.log(`${service.type}: "${from}" was taken; now "${to}"`));

const stop = () => void responder.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await Promise.all([ipp.announced, lpd.announced]);
console.log(
  `announced "${ipp.name}" (_ipp._tcp port 631, subtypes ${ipp.subtypes.join(', ')}) and "${lpd.name}" (_printer._tcp port 0)`,
);
