// mDNS flood generator for the hardening flood scenario: plain node:dgram +
// dns-packet, independent of boaster. Runs inside a lab host (IPv4 only).
//
// usage: node flood.cjs '<json>' with
//   { source, rate, durationMs, instance, type, host, seed? }
// It builds its packets first, prints READY, waits for "go" on stdin, then
// sends at `rate` packets/s for `durationMs` (paced in small batches every
// few ms, catching up on the schedule, never more than MAX_BATCH per tick)
// and prints one JSON line {kind:'done', ...} with what it achieved.
// Every packet sent gets a fresh id (its first two bytes): no two datagrams
// are alike, so a responder's filter of repeated packets cannot make the
// flood cheaper than it would be from a real attacker.
//
// The mix (weights in KINDS): QM, QU and legacy unicast queries for the
// target's names, queries for bogus names, junk bytes, truncated packets,
// responses from port 5353 for unrelated names; every 100th packet is one
// query with 1,000 questions (compressed names, ~7 KB).
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const MAX_DURATION_MS = 300_000;
const MAX_RATE = 50_000;
const MAX_BATCH = 200;
const MAX_IN_FLIGHT = 2_000;
const TICK_MS = 2;
const POOL_SIZE = 600;
const BIG_EVERY = 100;

// Deterministic PRNG (mulberry32), so two runs send the same sequence.
let seed = (cfg.seed ?? 0x9e3779b9) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

const instance = `${cfg.instance}.${cfg.type}.local`;
const ourNames = [
  [`${cfg.type}.local`, 'PTR'],
  [instance, 'SRV'],
  [instance, 'TXT'],
  [instance, 'ANY'],
  [`${cfg.host}.local`, 'A'],
  [`${cfg.host}.local`, 'AAAA'],
  ['_services._dns-sd._udp.local', 'PTR'],
];
const bogusName = () =>
  pick([
    `bogus-${int(1e6)}.local`,
    `_x${int(1e4)}._tcp.local`,
    `Nope ${int(1e5)}.${cfg.type}.local`,
    `${int(1e6)}.in-addr.arpa`,
  ]);

function setQU(buf) {
  // Questions start at 12; dns-packet does not compress them. Set the top bit of every class.
  let off = 12;
  const count = buf.readUInt16BE(4);
  for (let i = 0; i < count && off < buf.length; i++) {
    while (off < buf.length && buf[off] !== 0) off += buf[off] + 1;
    off += 3;
    if (off < buf.length) buf[off] |= 0x80;
    off += 2;
  }
  return buf;
}

function ourQuery() {
  const [name, type] = pick(ourNames);
  return dnsPacket.encode({ type: 'query', id: 0, questions: [{ name, type }] });
}

function unrelatedResponse() {
  const n = int(1e6);
  const answers = pick([
    [{ type: 'A', name: `other-${n}.local`, ttl: 120, flush: true, data: `192.0.2.${100 + int(100)}` }],
    [{ type: 'PTR', name: `_other${n % 50}._tcp.local`, ttl: 4500, data: `Other ${n}._other${n % 50}._tcp.local` }],
    [
      {
        type: 'SRV',
        name: `Other ${n}._ipp._tcp.local`,
        ttl: 120,
        flush: true,
        data: { priority: 0, weight: 0, port: 631, target: `other-${n}.local` },
      },
      { type: 'TXT', name: `Other ${n}._ipp._tcp.local`, ttl: 4500, flush: true, data: ['a=1'] },
    ],
  ]);
  return dnsPacket.encode({ type: 'response', flags: 0x8400, answers });
}

function junk() {
  const buf = Buffer.alloc(1 + int(512));
  for (let i = 0; i < buf.length; i++) buf[i] = int(256);
  // Half of them look like a header claiming many records.
  if (buf.length >= 12 && random() < 0.5) {
    buf.writeUInt16BE(0, 2);
    buf.writeUInt16BE(1 + int(500), 4);
    buf.writeUInt16BE(int(500), 6);
  }
  return buf;
}

function truncated() {
  const whole = random() < 0.5 ? ourQuery() : unrelatedResponse();
  return whole.subarray(0, 1 + int(whole.length - 1));
}

/** One query, 1,000 questions: our PTR and SRV names, and bogus labels in front of "local", by pointer. */
function bigQuery() {
  const parts = [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(1000, 4);
  parts.push(header);
  const qtail = (type) => {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(type, 0);
    b.writeUInt16BE(1, 2);
    return b;
  };
  const first = dnsPacket.name.encode(`${cfg.type}.local`); // at offset 12
  parts.push(first, qtail(12));
  const localOffset = 12 + first.length - 7; // "\x05local\x00"
  const label = Buffer.from(cfg.instance, 'utf8');
  parts.push(Buffer.from([label.length]), label, Buffer.from([0xc0, 12]), qtail(33));
  const instanceOffset = 12 + first.length + 4;
  const types = [255, 33, 16, 12, 1, 28];
  for (let i = 2; i < 1000; i++) {
    const r = i % 3;
    if (r === 0) parts.push(Buffer.from([0xc0, 12]), qtail(12));
    else if (r === 1)
      parts.push(Buffer.from([0xc0 | (instanceOffset >> 8), instanceOffset & 0xff]), qtail(types[i % types.length]));
    else {
      const b = Buffer.from(`b${i}`);
      parts.push(Buffer.from([b.length]), b, Buffer.from([0xc0 | (localOffset >> 8), localOffset & 0xff]), qtail(1));
    }
  }
  return Buffer.concat(parts);
}

const KINDS = [
  ['qm-ours', 14, () => ourQuery()],
  ['qu-ours', 12, () => setQU(ourQuery())],
  [
    'legacy-ours',
    10,
    () =>
      dnsPacket.encode({
        type: 'query',
        id: 1 + int(65535),
        questions: [{ name: instance, type: pick(['SRV', 'TXT', 'ANY']) }],
      }),
  ],
  [
    'qm-bogus',
    12,
    () =>
      dnsPacket.encode({
        type: 'query',
        id: 0,
        questions: [{ name: bogusName(), type: pick(['A', 'PTR', 'SRV', 'ANY']) }],
      }),
  ],
  [
    'qu-bogus',
    6,
    () => setQU(dnsPacket.encode({ type: 'query', id: 0, questions: [{ name: bogusName(), type: 'A' }] })),
  ],
  ['junk', 14, junk],
  ['truncated', 14, truncated],
  ['unrelated-response', 18, unrelatedResponse],
];
const totalWeight = KINDS.reduce((a, k) => a + k[1], 0);

function buildPool() {
  const pool = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    let r = random() * totalWeight;
    const kind = KINDS.find((k) => (r -= k[1]) < 0) || KINDS[0];
    pool.push({ kind: kind[0], buf: kind[2](), socket: kind[0] === 'legacy-ours' ? 'eph' : 'mdns' });
  }
  return pool;
}

function open(port) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.once('error', reject);
    s.bind(port, cfg.source, () => {
      s.off('error', reject);
      s.on('error', () => undefined);
      s.setMulticastInterface(cfg.source);
      s.setMulticastTTL(255);
      s.setMulticastLoopback(false);
      s.setTTL(255);
      resolve(s);
    });
  });
}

(async () => {
  const rate = Math.min(Math.max(1, cfg.rate), MAX_RATE);
  const durationMs = Math.min(cfg.durationMs, MAX_DURATION_MS);
  const pool = buildPool();
  const big = { kind: 'big-query', buf: bigQuery(), socket: 'mdns' };
  const sockets = { mdns: await open(5353), eph: await open(0) };
  const stats = { sent: 0, sendErrors: 0, skipped: 0, bytes: 0, repliesReceived: 0, replyBytes: 0, byKind: {} };
  for (const s of Object.values(sockets)) {
    s.on('message', (msg) => {
      stats.repliesReceived += 1;
      stats.replyBytes += msg.length;
    });
  }
  process.stdout.write(`READY ${JSON.stringify({ poolSize: pool.length, bigQueryBytes: big.buf.length })}\n`);
  await new Promise((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => d.includes('go') && resolve());
    setTimeout(resolve, 30_000); // never wait forever for "go"
  });
  const start = Date.now();
  const maxPackets = Math.ceil((rate * durationMs) / 1000);
  let scheduled = 0;
  let inFlight = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = Date.now() - start;
      if (elapsed >= durationMs || scheduled >= maxPackets) return resolve();
      const due = Math.min(maxPackets, Math.floor((elapsed * rate) / 1000));
      for (let n = 0; n < MAX_BATCH && scheduled < due; n++) {
        const p = scheduled % BIG_EVERY === BIG_EVERY - 1 ? big : pool[scheduled % pool.length];
        scheduled += 1;
        if (inFlight >= MAX_IN_FLIGHT) {
          stats.skipped += 1;
          continue;
        }
        inFlight += 1;
        const buf = Buffer.from(p.buf);
        if (buf.length >= 2) buf.writeUInt16BE(scheduled & 0xffff, 0);
        sockets[p.socket].send(buf, 5353, GROUP, (err) => {
          inFlight -= 1;
          if (err) stats.sendErrors += 1;
          else {
            stats.sent += 1;
            stats.bytes += p.buf.length;
            stats.byKind[p.kind] = (stats.byKind[p.kind] || 0) + 1;
          }
        });
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  const end = Date.now();
  // Let the last sends complete and late replies arrive (bounded).
  for (let i = 0; i < 50 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  for (const s of Object.values(sockets)) s.close();
  const achievedRate = stats.sent / ((end - start) / 1000);
  process.stdout.write(
    `${JSON.stringify({ kind: 'done', start, end, rate, durationMs, scheduled, achievedRate, ...stats })}\n`,
  );
  process.exit(0);
})().catch((err) => {
  process.stdout.write(`${JSON.stringify({ kind: 'error', error: err.message })}\n`);
  process.exit(1);
});
