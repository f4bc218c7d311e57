// Legitimate querier for the hardening flood scenario: plain node:dgram +
// dns-packet, independent of boaster. Runs inside a lab host (IPv4 only).
//
// usage: node legit.cjs '<json>' with
//   { source, target, instance, intervalMs, maxDurationMs, timeoutMs }
// Every `intervalMs` it sends to 224.0.0.251:5353
//   - a legacy unicast SRV query for `instance` from an ephemeral port, with
//     a unique id: answered when a reply with that id and the SRV reaches
//     that port (RFC 6762 §6.7);
//   - a QU SRV query from port 5353 (bound with reuseAddr), with a unique id
//     too (§18.1 says SHOULD be zero; identical queries 20 ms apart would be
//     merged by the responder's duplicate-packet filter). Two measures:
//     `quOwn`, one unicast reply per query (matched by id when the reply
//     echoes it, else to the newest query still waiting: unique records are
//     answered at once, and a lost reply must not shift the matching of all
//     later ones, as oldest-first would); `quAny`, the
//     querier's view (§18.1: any response with the answer is useful), the
//     first SRV response from `target` after the query, unicast or multicast.
// A query with no answer within `timeoutMs` is a miss. It stops on "stop" on
// stdin or after `maxDurationMs`, waits `timeoutMs` for late replies, and
// prints READY first and one JSON line {kind:'done', legacy, quOwn, quAny,
// ...} at the end: per query [sentEpochMs, latencyMs or -1].
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const MAX_QUERIES = 20_000;
const intervalMs = Math.max(5, cfg.intervalMs || 20);
const timeoutMs = cfg.timeoutMs || 1000;
const maxDurationMs = Math.min(cfg.maxDurationMs || 60_000, 300_000);
const wanted = cfg.instance.toLowerCase();

const legacy = new Map(); // id -> [sentAt, latency]
const legacyList = [];
const quOwn = []; // [sentAt, latency, id]
const quById = new Map();
const quAny = []; // [sentAt, latency]
let quAnyNext = 0;
let unicastQuReplies = 0;
let multicastSrvResponses = 0;
let undecodable = 0;

function decoded(msg) {
  try {
    return dnsPacket.decode(msg);
  } catch {
    undecodable += 1;
    return undefined;
  }
}

function srvIn(m) {
  if (!m || m.type !== 'response') return undefined;
  const all = [...(m.answers || []), ...(m.additionals || [])];
  return all.some((r) => r.type === 'SRV' && r.name.toLowerCase() === wanted) ? m : undefined;
}

function srvResponse(msg) {
  return srvIn(decoded(msg));
}

// RFC 6762 §6.2: the target multicasts a record at most once a second (per
// interface and family; every section counts). For each record it sends by
// multicast: the shortest interval between two of its multicasts, and how
// many intervals were under a second less `RATE_TOLERANCE_MS` of arrival
// jitter. Goodbyes (TTL 0) are records of their own (§10.1).
const RATE_TOLERANCE_MS = 50;
const lastMulticast = new Map(); // record key -> arrival ms
const rate = { records: 0, distinct: 0, minIntervalMs: null, under: 0, maxPerSecond: 0 };
const perSecond = new Map(); // `${key}|${second}` -> count, for the current and previous second only
function noteMulticast(m, now) {
  if (!m || m.type !== 'response') return;
  const second = Math.floor(now / 1000);
  for (const r of [...(m.answers || []), ...(m.additionals || [])]) {
    if (r.type === 'OPT') continue;
    const key = `${String(r.name).toLowerCase()}|${r.type}|${r.ttl === 0 ? 'bye' : ''}|${JSON.stringify(r.data)}`;
    rate.records += 1;
    const last = lastMulticast.get(key);
    if (last === undefined) rate.distinct += 1;
    else {
      const interval = now - last;
      if (rate.minIntervalMs === null || interval < rate.minIntervalMs) rate.minIntervalMs = interval;
      if (interval < 1000 - RATE_TOLERANCE_MS) rate.under += 1;
    }
    lastMulticast.set(key, now);
    const slot = `${key}|${second}`;
    const n = (perSecond.get(slot) || 0) + 1;
    perSecond.set(slot, n);
    if (n > rate.maxPerSecond) rate.maxPerSecond = n;
  }
  if (perSecond.size > 10_000) perSecond.clear();
}

/** The querier's view: every QU query still waiting is answered now. */
function answerAny(now) {
  for (let i = quAnyNext; i < quAny.length; i++) {
    const q = quAny[i];
    if (q[1] === -1 && now - q[0] <= timeoutMs) q[1] = now - q[0];
  }
  quAnyNext = quAny.length;
}

/** One reply, one query: by id, else the newest query still waiting (bounded look-back: 1 s of queries). */
function answerOwn(now, id) {
  let q = id !== 0 ? quById.get(id) : undefined;
  for (let i = quOwn.length - 1; !q && i >= 0 && now - quOwn[i][0] <= timeoutMs; i--) {
    if (quOwn[i][1] === -1) q = quOwn[i];
  }
  if (q && q[1] === -1 && now - q[0] <= timeoutMs) q[1] = now - q[0];
}

function open(address, port, onMessage) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', onMessage);
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      s.on('error', () => undefined);
      if (address === GROUP) s.addMembership(GROUP, cfg.source);
      else s.setMulticastInterface(cfg.source);
      s.setMulticastTTL(255);
      s.setMulticastLoopback(false);
      s.setTTL(255);
      resolve(s);
    });
  });
}

(async () => {
  const eph = await open(cfg.source, 0, (msg) => {
    const now = Date.now();
    if (msg.length < 2) return;
    const entry = legacy.get(msg.readUInt16BE(0));
    if (!entry || entry[1] !== -1 || now - entry[0] > timeoutMs) return;
    if (srvResponse(msg)) entry[1] = now - entry[0];
  });
  const mdns = await open(cfg.source, 5353, (msg, rinfo) => {
    if (rinfo.address !== cfg.target) return;
    const m = srvResponse(msg);
    if (!m) return;
    const now = Date.now();
    unicastQuReplies += 1;
    answerOwn(now, m.id || 0);
    answerAny(now);
  });
  const group = await open(GROUP, 5353, (msg, rinfo) => {
    // The flood arrives here too: decode only what the target sent.
    if (rinfo.address !== cfg.target) return;
    const m = decoded(msg);
    noteMulticast(m, Date.now());
    if (!srvIn(m)) return;
    multicastSrvResponses += 1;
    answerAny(Date.now());
  });
  const quQuery = (id) => {
    const buf = dnsPacket.encode({ type: 'query', id, questions: [{ name: cfg.instance, type: 'SRV' }] });
    buf[buf.length - 2] |= 0x80; // the only question's class: QU
    return buf;
  };
  let nextId = 1;
  let stopping = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => {
    if (d.includes('stop')) stopping = true;
  });
  process.stdout.write('READY\n');
  const start = Date.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = Date.now();
      if (stopping || now - start >= maxDurationMs || sent >= MAX_QUERIES) return resolve();
      // Time out QU queries that nobody answered, so answerAny stays cheap.
      while (quAnyNext < quAny.length && now - quAny[quAnyNext][0] > timeoutMs) quAnyNext += 1;
      const id = nextId;
      nextId = (nextId % 32767) + 1;
      const entry = [now, -1];
      legacy.set(id, entry);
      legacyList.push(entry);
      eph.send(dnsPacket.encode({ type: 'query', id, questions: [{ name: cfg.instance, type: 'SRV' }] }), 5353, GROUP);
      const own = [now, -1];
      quOwn.push(own);
      quById.set(0x8000 | id, own);
      quAny.push([now, -1]);
      mdns.send(quQuery(0x8000 | id), 5353, GROUP);
      sent += 1;
      setTimeout(tick, Math.max(0, start + sent * intervalMs - Date.now()));
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, timeoutMs + 50));
  for (const s of [eph, mdns, group]) s.close();
  process.stdout.write(
    `${JSON.stringify({ kind: 'done', start, end: Date.now(), intervalMs, timeoutMs, unicastQuReplies, multicastSrvResponses, multicastRate: rate, undecodable, legacy: legacyList, quOwn: quOwn.map((q) => [q[0], q[1]]), quAny })}\n`,
  );
  process.exit(0);
})().catch((err) => {
  process.stdout.write(`${JSON.stringify({ kind: 'error', error: err.message })}\n`);
  process.exit(1);
});
