// @homebridge/ciao responder adapter of the comparison benchmark (README.md
// beside it says the line protocol). One responder restricted to the lab
// interface (ciao misreads veth names and serves only "lo" unless told),
// IPv4 only; N services created and advertised at once; `ready` when every
// advertise() promise resolved (ciao resolves it after probing). SIGTERM:
// responder.shutdown() (ciao's goodbyes), then `closed`. No `hostname`:
// ciao's default gives each service a host name of its own (from its
// instance name, as Homebridge uses it); given one shared host name, ciao
// 1.3.12 announced 1 of 20 services in the lab and never resolved the other
// advertise() promises.
'use strict';
const util = require('node:util');
const ciao = require('@homebridge/ciao');
const { hwid } = require('./spec.cjs');

// ciao logs with console.log; stdout carries only the protocol.
for (const m of ['log', 'info', 'debug']) console[m] = (...a) => process.stderr.write(`${util.format(...a)}\n`);

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => (say(`expired ${Date.now()}`), process.exit(4)), cfg.maxLifeMs);
const responder = ciao.getResponder({ interface: [cfg.ifname], disableIpv6: true });
let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  const guard = setTimeout(() => process.exit(3), 30_000);
  responder.shutdown().then(
    () => {
      say(`closed ${Date.now()}`);
      clearTimeout(guard);
      clearTimeout(life);
      process.exit(0);
    },
    (e) => (process.stderr.write(`ciao-publish: ${String(e)}\n`), process.exit(2)),
  );
});
say(`publish ${Date.now()}`);
const all = [];
for (let i = 0; i < cfg.n; i++) {
  const service = responder.createService({
    name: `svc-${i}`,
    type: 'bench',
    protocol: 'tcp',
    port: 8000 + (i % 1000),
    txt: { hwid: hwid(i) },
    disabledIpv6: true,
  });
  all.push(service.advertise());
}
Promise.all(all).then(
  () => say(`ready ${Date.now()}`),
  (e) => (process.stderr.write(`ciao-publish: ${String(e)}\n`), process.exit(1)),
);
