/**
 * boaster side of the lab scale benchmark, run inside lab host h0 as
 * `node driver.mjs '<json>'` with { n, ifname, maxLifeMs }: plain Node on
 * the built package (dist/, as a user's `npm install` runs it; the bench
 * builds it first), no TypeScript loader.
 * Publishes N services through the public API (IPv4 only, on `ifname`),
 * printing `publish <epoch ms>` just before the publish() calls and
 * `ready <epoch ms>` once every publish() promise resolved. On SIGTERM it
 * prints `sigterm <epoch ms>`, closes the responder (goodbyes), prints
 * `closed <epoch ms>` and exits 0. It exits on its own after maxLifeMs.
 * n = 0 publishes nothing: a baseline for RSS (node + boaster loaded).
 */
import { Responder } from '../../dist/index.js';
import { BOASTER_HOST, SERVICE_TYPE, hwid, instanceName, servicePort } from './spec.mjs';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const say = (line) => {
  process.stdout.write(`${line}\n`);
};

const life = setTimeout(() => {
  say(`expired ${Date.now()}`);
  process.exit(4);
}, cfg.maxLifeMs);

const responder = new Responder({ hostName: BOASTER_HOST, interfaces: [cfg.ifname], ipv6: false });
responder.on('error', (e) => process.stderr.write(`driver: ${e.message}\n`));

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  say(`sigterm ${Date.now()}`);
  const guard = setTimeout(() => process.exit(3), 30_000);
  responder
    .close()
    .then(() => {
      say(`closed ${Date.now()}`);
      clearTimeout(guard);
      clearTimeout(life);
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`driver: close failed: ${String(e)}\n`);
      process.exit(2);
    });
});

async function main() {
  say(`publish ${Date.now()}`);
  const all = [];
  for (let i = 0; i < cfg.n; i++) {
    all.push(
      responder.publish({ name: instanceName(i), type: SERVICE_TYPE, port: servicePort(i), txt: { hwid: hwid(i) } }),
    );
  }
  await Promise.all(all);
  say(`ready ${Date.now()}`);
}

main().catch((e) => {
  process.stderr.write(`driver: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
