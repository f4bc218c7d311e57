// multicast-dns querier adapter of the comparison benchmark (README.md beside
// it says the line protocol). multicast-dns is a packet library, not a
// browser: this is the browser a user writes on it from its README, kept
// fair to RFC 6762 §5.2 but no more: a PTR query at once and again after
// 1, 2, 4, 8 … s (doubling, capped at 60 min), no known-answer lists (the
// library has no cache to take them from); an instance whose SRV or TXT did
// not come with its PTR gets one SRV+TXT query, retried after 1 s up to 3
// times, and a host without an address one A query, retried the same way.
// `lost` when the PTR's goodbye (TTL 0) arrives.
'use strict';
const makeMdns = require('multicast-dns');

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const life = setTimeout(() => (say(`expired ${Date.now()}`), process.exit(4)), cfg.maxLifeMs);
const mdns = makeMdns({ interface: cfg.address, bind: '0.0.0.0', loopback: false });
mdns.on('error', (e) => process.stderr.write(`multicast-dns-browse: ${String(e)}\n`));
mdns.on('warning', (e) => process.stderr.write(`multicast-dns-browse: ${String(e)}\n`));
const typeFqdn = `${cfg.type}.local`.toLowerCase();
const MAX_RETRIES = 3;
const MAX_INTERVAL_MS = 3_600_000;
/** instance fqdn (lower case) -> { name, srv, txt, resolved, tries } */
const instances = new Map();
/** host (lower case) -> IPv4 */
const hosts = new Map();
const timers = new Set();
const later = (ms, fn) => {
  const t = setTimeout(() => (timers.delete(t), fn()), ms);
  timers.add(t);
};
const lc = (s) => String(s).toLowerCase();

function hwidOf(txt) {
  for (const b of txt ?? []) {
    const s = Buffer.isBuffer(b) ? b.toString() : String(b);
    if (s.startsWith('hwid=')) return s.slice(5);
  }
  return '-';
}

function check(key) {
  const inst = instances.get(key);
  if (!inst || inst.resolved || !inst.srv || !inst.txt) return;
  const v4 = hosts.get(lc(inst.srv.target));
  if (v4 === undefined) return;
  inst.resolved = true;
  say(`resolved ${inst.name} ${Date.now()} ${inst.srv.port} ${hwidOf(inst.txt)} ${v4}`);
}

function chase(key) {
  const inst = instances.get(key);
  if (!inst || inst.resolved || inst.tries >= MAX_RETRIES) return;
  inst.tries += 1;
  const questions = [];
  if (!inst.srv) questions.push({ name: key, type: 'SRV' });
  if (!inst.txt) questions.push({ name: key, type: 'TXT' });
  if (inst.srv && !hosts.has(lc(inst.srv.target))) questions.push({ name: inst.srv.target, type: 'A' });
  if (questions.length > 0) mdns.query({ questions });
  later(1_000, () => chase(key));
}

mdns.on('response', (packet) => {
  const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
  const touched = new Set();
  for (const r of records) {
    const name = lc(r.name);
    if (r.type === 'A') hosts.set(name, r.data);
    else if (r.type === 'PTR' && name === typeFqdn) {
      const key = lc(r.data);
      if (r.ttl === 0) {
        if (instances.delete(key)) say(`lost ${r.data.slice(0, -typeFqdn.length - 1)} ${Date.now()}`);
        continue;
      }
      if (!instances.has(key)) {
        const inst = { name: r.data.slice(0, -typeFqdn.length - 1), srv: null, txt: null, resolved: false, tries: 0 };
        instances.set(key, inst);
        say(`found ${inst.name} ${Date.now()}`);
        touched.add(key);
      }
    } else if (r.type === 'SRV' || r.type === 'TXT') {
      const inst = instances.get(name);
      if (!inst || r.ttl === 0) continue;
      if (r.type === 'SRV') inst.srv = r.data;
      else inst.txt = r.data;
      touched.add(name);
    }
  }
  for (const key of instances.keys()) check(key);
  for (const key of touched) if (!instances.get(key)?.resolved) later(0, () => chase(key));
});

let interval = 1_000;
function browse() {
  mdns.query({ questions: [{ name: typeFqdn, type: 'PTR' }] });
  later(interval, browse);
  interval = Math.min(interval * 2, MAX_INTERVAL_MS);
}

process.on('SIGTERM', () => {
  for (const t of timers) clearTimeout(t);
  mdns.destroy();
  clearTimeout(life);
  process.exit(0);
});
mdns.on('ready', () => {
  say(`started ${Date.now()}`);
  browse();
});
