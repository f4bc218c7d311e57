/**
 * boaster side of the amplification lab test, run inside lab host h0 as
 * `node publish.mjs '<json>'` with { ifname, big, maxLifeMs }: plain Node on
 * the built package (dist/). Publishes one small service ('Amp Small',
 * _amp-small._tcp) and `big` services of _amp-big._tcp (so one PTR query
 * has a large answer), on `ifname` alone, both families, then prints
 * `ready`. Every error event is printed as `error <code> <message>`; it
 * exits on SIGTERM after its goodbyes, or by itself after maxLifeMs.
 */
import { Mdns } from '../../../dist/index.js';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => process.exit(4), cfg.maxLifeMs ?? 120_000);

const mdns = new Mdns({ interfaces: [cfg.ifname], hostName: 'amphost' });
mdns.on('error', (e) => say(`error ${e.code} ${e.message.replace(/\n/g, ' ')}`));
process.on('SIGTERM', () => {
  mdns.close().finally(() => {
    clearTimeout(life);
    process.exit(0);
  });
});

const all = [mdns.publish({ name: 'Amp Small', type: '_amp-small._tcp', port: 9, txt: { k: 'v' } })];
for (let i = 0; i < cfg.big; i++)
  all.push(
    mdns.publish({ name: `amp-${i}`, type: '_amp-big._tcp', port: 9000 + i, txt: { hwid: `${i}`.padStart(16, '0') } }),
  );
Promise.all(all).then(
  () => say('ready'),
  (e) => {
    say(`failed ${e.code ?? ''} ${e.message}`);
    process.exit(1);
  },
);
