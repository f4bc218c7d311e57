// A hostile mDNS peer for hostile-peer.lab.test.ts: plain node:dgram +
// dns-packet, independent of boaster. Runs inside a lab host. It claims
// every name anyone probes on the IPv4 group: each probe (a query with an
// authority section, RFC 6762 §8.1) is answered at once with a conflicting
// record (same name and type, other data) for every record it proposes.
//
// usage: node hostile-peer.cjs '<json>' with { durationMs, address, maxAnswers }
//   address     this host's IPv4 address (sends go out from it, port 5353)
//   durationMs  how long it runs (capped at 60 s)
//   maxAnswers  a bound on the answers it sends
//
// Output, JSON lines: {kind:'ready', epochMs}, {kind:'probe', t, from,
// names, answered}, {kind:'error', error}, {kind:'done', t, probes,
// answers}. t = ms since ready.
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const MAX_DURATION_MS = 60_000;
const MAX_LOGGED = 5_000;
const GROUP = '224.0.0.251';
let t0 = Date.now();
let probes = 0;
let answers = 0;
const now = () => Date.now() - t0;
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** A record of `theirs`' name and type with other data: what the owner of the name would answer. */
function claim(theirs) {
  const base = { name: theirs.name, ttl: 120, flush: true };
  switch (theirs.type) {
    case 'SRV':
      return { ...base, type: 'SRV', data: { priority: 0, weight: 0, port: 9, target: 'hostile.local' } };
    case 'TXT':
      return { ...base, ttl: 4500, type: 'TXT', data: [Buffer.from('hostile=1')] };
    case 'A':
      return { ...base, type: 'A', data: cfg.address };
    case 'AAAA':
      return { ...base, type: 'AAAA', data: 'fe80::bad' };
    default:
      return undefined;
  }
}

const group = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const sender = dgram.createSocket({ type: 'udp4', reuseAddr: true });

function onMessage(msg, rinfo) {
  let m;
  try {
    m = dnsPacket.decode(msg);
  } catch {
    return;
  }
  if (m.type === 'response' || !(m.authorities || []).length) return;
  probes += 1;
  const seen = new Set();
  const claims = [];
  for (const r of m.authorities) {
    const key = `${r.name.toLowerCase()}|${r.type}`;
    const c = seen.has(key) ? undefined : claim(r);
    seen.add(key);
    if (c) claims.push(c);
  }
  const answered = claims.length > 0 && answers < (cfg.maxAnswers || 1_000);
  if (probes <= MAX_LOGGED)
    out({ kind: 'probe', t: now(), from: rinfo.address, names: (m.questions || []).map((q) => q.name), answered });
  if (!answered) return;
  answers += 1;
  const buf = dnsPacket.encode({ type: 'response', flags: 0x8400, answers: claims });
  sender.send(buf, 5353, GROUP, (err) => {
    if (err) out({ kind: 'error', error: err.message });
  });
}

function bind(sock, port, address) {
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, address, () => {
      sock.off('error', reject);
      sock.on('error', (e) => out({ kind: 'error', error: e.message }));
      resolve();
    });
  });
}

(async () => {
  await bind(group, 5353, GROUP);
  group.addMembership(GROUP, cfg.address);
  group.setMulticastLoopback(false);
  group.on('message', onMessage);
  await bind(sender, 5353, cfg.address);
  sender.setMulticastInterface(cfg.address);
  sender.setMulticastLoopback(false);
  // RFC 6762 §11: link-local, TTL 255.
  sender.setMulticastTTL(255);
  t0 = Date.now();
  out({ kind: 'ready', epochMs: t0 });
  setTimeout(
    () => {
      group.close();
      sender.close();
      out({ kind: 'done', t: now(), probes, answers });
    },
    Math.min(cfg.durationMs || 1_000, MAX_DURATION_MS),
  );
})().catch((err) => {
  out({ kind: 'error', error: err.message });
  process.exitCode = 1;
  group.close();
  sender.close();
});
