// bonjour-service responder adapter of the comparison benchmark (README.md
// beside it says the line protocol). One Bonjour instance on the lab address
// (its multicast-dns options: `interface` = the address, bind 0.0.0.0,
// loopback off), N services published at once with bonjour-service's probe;
// `ready` once every service emitted `up`. SIGTERM: unpublishAll() (its
// goodbyes), destroy(), then `closed`.
'use strict';
const { Bonjour } = require('bonjour-service');
const { hwid } = require('./spec.cjs');

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => (say(`expired ${Date.now()}`), process.exit(4)), cfg.maxLifeMs);
const bonjour = new Bonjour({ interface: cfg.address, bind: '0.0.0.0', loopback: false }, (e) =>
  process.stderr.write(`bonjour-service-publish: ${String(e)}\n`),
);
let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  const guard = setTimeout(() => process.exit(3), 30_000);
  bonjour.unpublishAll(() => {
    bonjour.destroy();
    say(`closed ${Date.now()}`);
    clearTimeout(guard);
    clearTimeout(life);
    process.exit(0);
  });
});
say(`publish ${Date.now()}`);
let up = 0;
for (let i = 0; i < cfg.n; i++) {
  const service = bonjour.publish({
    name: `svc-${i}`,
    type: 'bench',
    protocol: 'tcp',
    port: 8000 + (i % 1000),
    host: `${cfg.host}.local`,
    txt: { hwid: hwid(i) },
    disableIPv6: true,
  });
  service.on('up', () => {
    up += 1;
    if (up === cfg.n) say(`ready ${Date.now()}`);
  });
  service.on('error', (e) => process.stderr.write(`bonjour-service-publish: svc-${i}: ${String(e)}\n`));
}
