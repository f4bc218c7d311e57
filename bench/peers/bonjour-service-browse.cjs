// bonjour-service querier adapter of the comparison benchmark (README.md
// beside it says the line protocol): `bonjour.find({ type: 'bench' })` on the
// lab address (multicast-dns options as in bonjour-service-publish.cjs).
// bonjour-service reports an instance only once it is resolved (`up`), so
// `found` and `resolved` come together; `lost` on `down`.
'use strict';
const { Bonjour } = require('bonjour-service');

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => (say(`expired ${Date.now()}`), process.exit(4)), cfg.maxLifeMs);
const bonjour = new Bonjour({ interface: cfg.address, bind: '0.0.0.0', loopback: false }, (e) =>
  process.stderr.write(`bonjour-service-browse: ${String(e)}\n`),
);
process.on('SIGTERM', () => {
  bonjour.destroy();
  clearTimeout(life);
  process.exit(0);
});
const [name, proto] = cfg.type.replace(/^_/, '').split('._');
say(`started ${Date.now()}`);
const browser = bonjour.find({ type: name, protocol: proto });
browser.on('up', (s) => {
  const now = Date.now();
  const v4 = (s.addresses ?? []).find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? '-';
  say(`found ${s.name} ${now}`);
  say(`resolved ${s.name} ${now} ${s.port} ${String((s.txt ?? {}).hwid ?? '-')} ${v4}`);
});
browser.on('down', (s) => say(`lost ${s.name} ${Date.now()}`));
