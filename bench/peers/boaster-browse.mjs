/**
 * boaster querier adapter of the comparison benchmark (README.md beside it
 * says the line protocol): the built package (dist/) under plain Node, as a
 * user's `npm install` runs it. `new Mdns({ interfaces: [ifname], ipv6: false })`
 * and `browse('_bench._tcp')`: `found` from the browser's `found` event (a PTR
 * names the instance), `resolved` from `up` (SRV, TXT and an address), `lost`
 * from `down`. SIGTERM closes it.
 */
import { Mdns } from '../../dist/index.js';

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => (say(`expired ${Date.now()}`), process.exit(4)), cfg.maxLifeMs);
const mdns = new Mdns({ interfaces: [cfg.ifname], ipv6: false });
mdns.on('error', (e) => process.stderr.write(`boaster-browse: ${e.code ?? ''} ${e.message}\n`));
process.on('SIGTERM', () => {
  mdns.close().then(
    () => (clearTimeout(life), process.exit(0)),
    () => process.exit(2),
  );
});
say(`started ${Date.now()}`);
const browser = mdns.browse(cfg.type);
browser.on('found', (f) => say(`found ${f.name} ${Date.now()}`));
browser.on('up', (s) => {
  const v4 = s.addresses.find((a) => a.family === 4)?.address ?? '-';
  say(`resolved ${s.name} ${Date.now()} ${s.port} ${String(s.txt.hwid ?? '-')} ${v4}`);
});
browser.on('down', (s) => say(`lost ${s.name} ${Date.now()}`));
