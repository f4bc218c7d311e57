// Measuring client of the lab scale benchmark: plain node:dgram +
// dns-packet, independent of either responder. Runs inside lab host h1
// (IPv4 only). usage: node querier.cjs '<json>' with
//   { phase, source, target, n, type, ...phase options }
// It prints READY once its sockets are bound, then one JSON line
// {kind:'done', ...} (or {kind:'error'}) and exits. Every phase is bounded
// in time (maxMs) and in packets sent. Phases:
//   watch        listen to the group; end once every svc-<i> SRV was seen
//                with a TTL > 0 and the target was quiet for quietMs (or,
//                with `giveUpQuietMs`, once it was quiet that long after
//                sending anything, all seen or not);
//   ptr          one PTR query for the type: QU from port 5353, legacy
//                from `legacyPort` (id 0x1234), or `qu-ephemeral` (the QU
//                bit set, from `legacyPort`); collect replies for windowMs;
//   legacy-seq   `warmup` sequential legacy SRV queries not counted, a pause
//                of `pauseMs`, then `count` timed ones (unique ids), for
//                random instances, each waiting for its answer (with
//                `giveUpAfter`: none more once that many in a row went
//                unanswered before any answer came);
//   legacy-rate  `outstanding` legacy SRV queries in flight for durationMs,
//                ids unique or random (which may repeat: a reply is matched
//                by id, and by the SRV's name when several wait on one id);
//   qm           `count` QM SRV queries from port 5353 for distinct
//                instances, `spacingMs` apart: time to the multicast answer.
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const MAX_SENDS = 2_000_000;
const maxMs = Math.min(cfg.maxMs || 60_000, 900_000);
const typeFqdn = `${cfg.type}.local`.toLowerCase();
const instRe = new RegExp(`^svc-(\\d+)\\.${cfg.type.replace(/[.]/g, '\\.')}\\.local$`, 'i');

const guard = setTimeout(
  () => finish({ kind: 'error', error: `phase ${cfg.phase} ran past ${maxMs} ms` }, 1),
  maxMs + 5_000,
);

function finish(result, code = 0) {
  clearTimeout(guard);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(code));
}

function decode(msg) {
  try {
    return dnsPacket.decode(msg);
  } catch {
    return undefined;
  }
}

const recordsOf = (m) => [...(m.answers || []), ...(m.additionals || [])];

function open(address, port, onMessage) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', onMessage);
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      s.on('error', () => undefined);
      try {
        s.setRecvBufferSize(4 * 1024 * 1024);
      } catch {
        // capped by net.core.rmem_max
      }
      if (address === GROUP) s.addMembership(GROUP, cfg.source);
      else s.setMulticastInterface(cfg.source);
      s.setMulticastTTL(255);
      s.setMulticastLoopback(false);
      s.setTTL(255);
      resolve(s);
    });
  });
}

function srvQuery(i, id, qu) {
  const buf = dnsPacket.encode({ type: 'query', id, questions: [{ name: `svc-${i}.${typeFqdn}`, type: 'SRV' }] });
  if (qu) buf[buf.length - 2] |= 0x80;
  return buf;
}

/** Nearest-rank percentile of a sorted list. */
function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  return { answered: s.length, p50Ms: pct(s, 50), p99Ms: pct(s, 99), maxMs: s.length ? s[s.length - 1] : null };
}

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;
const randomInstance = () => Math.floor(Math.random() * cfg.n);
const ready = () => process.stdout.write('READY\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function watch() {
  const seen = new Set();
  const start = Date.now();
  let packets = 0;
  let lastAt = 0;
  let allSeenAt = null;
  let firstSeenAt = null;
  await open(GROUP, 5353, (msg, rinfo) => {
    if (rinfo.address !== cfg.target) return;
    packets += 1;
    lastAt = Date.now();
    const m = decode(msg);
    if (!m || m.type !== 'response') return;
    for (const r of recordsOf(m))
      if (r.type === 'SRV' && r.ttl > 0 && instRe.test(r.name)) seen.add(r.name.toLowerCase());
    if (firstSeenAt === null && seen.size > 0) firstSeenAt = lastAt;
    if (allSeenAt === null && seen.size >= cfg.n) allSeenAt = lastAt;
  });
  ready();
  for (;;) {
    await sleep(100);
    const now = Date.now();
    if (allSeenAt !== null && now - lastAt >= cfg.quietMs) break;
    if (cfg.giveUpQuietMs && lastAt > 0 && now - lastAt >= cfg.giveUpQuietMs) break;
    if (now - start >= maxMs) break;
  }
  finish({ kind: 'done', start, end: Date.now(), packets, seen: seen.size, firstSeenAt, allSeenAt, lastAt });
}

async function ptr() {
  const got = [];
  const onMessage = (via) => (msg, rinfo) => {
    if (rinfo.address !== cfg.target) return;
    const m = decode(msg);
    const names = m
      ? recordsOf(m)
          .filter((r) => r.type === 'PTR' && r.name.toLowerCase() === typeFqdn)
          .map((r) => String(r.data).toLowerCase())
      : [];
    got.push({ at: Date.now(), size: msg.length, via, tc: m ? Boolean(m.flags & 0x200) : false, names });
  };
  const legacy = cfg.mode === 'legacy';
  const fromEphemeral = legacy || cfg.mode === 'qu-ephemeral';
  const sock = await open(cfg.source, fromEphemeral ? cfg.legacyPort : 5353, onMessage(legacy ? 'legacy' : 'unicast'));
  if (!legacy) await open(GROUP, 5353, onMessage('multicast'));
  ready();
  await sleep(200);
  const q = dnsPacket.encode({ type: 'query', id: legacy ? 0x1234 : 0, questions: [{ name: typeFqdn, type: 'PTR' }] });
  if (!legacy) q[q.length - 2] |= 0x80;
  const sentAt = Date.now();
  sock.send(q, 5353, GROUP);
  await sleep(cfg.windowMs);
  const withPtr = got.filter((g) => g.names.length > 0);
  finish({
    kind: 'done',
    sentAt,
    packets: withPtr.length,
    otherPackets: got.length - withPtr.length,
    instances: new Set(withPtr.flatMap((g) => g.names)).size,
    maxSize: Math.max(0, ...withPtr.map((g) => g.size)),
    firstMs: withPtr.length ? withPtr[0].at - sentAt : null,
    lastMs: withPtr.length ? withPtr[withPtr.length - 1].at - sentAt : null,
    via: [...new Set(withPtr.map((g) => g.via))],
    truncated: withPtr.some((g) => g.tc),
  });
}

async function legacySeq() {
  let waiting;
  const sock = await open(cfg.source, 0, (msg) => {
    if (waiting && msg.length >= 12 && msg.readUInt16BE(0) === waiting.id && msg.readUInt16BE(6) > 0)
      waiting.done(hrMs());
  });
  ready();
  const start = Date.now();
  const ask = async (k) => {
    const id = (k % 65535) + 1;
    const sentAt = hrMs();
    const answeredAt = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), cfg.timeoutMs);
      waiting = { id, done: (t) => (clearTimeout(timer), resolve(t)) };
      sock.send(srvQuery(randomInstance(), id, false), 5353, GROUP);
    });
    waiting = undefined;
    return answeredAt === null ? null : answeredAt - sentAt;
  };
  // Warm-up (not counted): a responder that has run a while has its code
  // compiled; then a pause, so a rate limit's one-second bucket is full again.
  let warmupTimeouts = 0;
  const warmup = Math.min(cfg.warmup || 0, MAX_SENDS);
  let answeredAny = false;
  let silentRun = 0;
  const hopeless = () => cfg.giveUpAfter > 0 && !answeredAny && silentRun >= cfg.giveUpAfter;
  const tally = (latency) => {
    if (latency === null) silentRun += 1;
    else answeredAny = true;
    return latency;
  };
  for (let k = 0; k < warmup && Date.now() - start < maxMs && !hopeless(); k++)
    if (tally(await ask(k)) === null) warmupTimeouts += 1;
  if (warmup > 0 && !hopeless()) await sleep(cfg.pauseMs || 1_500);
  const latencies = [];
  let timeouts = 0;
  for (let k = warmup; k < warmup + Math.min(cfg.count, MAX_SENDS) && Date.now() - start < maxMs && !hopeless(); k++) {
    const latency = tally(await ask(k));
    if (latency === null) timeouts += 1;
    else latencies.push(latency);
  }
  finish({
    kind: 'done',
    sent: latencies.length + timeouts,
    timeouts,
    warmup,
    warmupTimeouts,
    gaveUp: hopeless(),
    ...summary(latencies),
  });
}

async function legacyRate() {
  const inflight = new Map(); // id -> [{ i, sentAt }]
  let count = 0;
  let answered = 0;
  let unmatched = 0;
  let timeouts = 0;
  let sends = 0;
  let nextId = 1;
  const latencies = [];
  let sending = true;
  let sock;
  const take = (id, entry) => {
    const list = inflight.get(id);
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) inflight.delete(id);
    count -= 1;
  };
  const sendOne = () => {
    if (!sending || sends >= MAX_SENDS) return;
    const id = cfg.ids === 'random' ? Math.floor(Math.random() * 65536) : nextId;
    nextId = (nextId % 65535) + 1;
    const entry = { i: randomInstance(), sentAt: hrMs() };
    const list = inflight.get(id);
    if (list) list.push(entry);
    else inflight.set(id, [entry]);
    count += 1;
    sends += 1;
    sock.send(srvQuery(entry.i, id, false), 5353, GROUP);
  };
  sock = await open(cfg.source, 0, (msg) => {
    if (msg.length < 12 || msg.readUInt16BE(6) === 0) return;
    const id = msg.readUInt16BE(0);
    const list = inflight.get(id);
    if (!list) return void (unmatched += 1);
    let entry = list[0];
    if (list.length > 1) {
      const m = decode(msg);
      const srv = m && recordsOf(m).find((r) => r.type === 'SRV');
      const hit = srv && instRe.exec(srv.name);
      entry = (hit && list.find((e) => e.i === Number(hit[1]))) || entry;
    }
    take(id, entry);
    if (sending) {
      answered += 1;
      latencies.push(hrMs() - entry.sentAt);
    }
    sendOne();
  });
  ready();
  await sleep(100);
  const start = hrMs();
  for (let k = 0; k < cfg.outstanding; k++) sendOne();
  const sweep = setInterval(() => {
    const now = hrMs();
    for (const [id, list] of [...inflight]) {
      for (const e of [...list]) {
        if (now - e.sentAt < cfg.timeoutMs) continue;
        take(id, e);
        timeouts += 1;
        sendOne();
      }
    }
  }, 20);
  await sleep(cfg.durationMs);
  sending = false;
  const seconds = (hrMs() - start) / 1000;
  clearInterval(sweep);
  await sleep(Math.min(cfg.timeoutMs, 1000));
  finish({
    kind: 'done',
    ids: cfg.ids,
    seconds,
    sent: sends,
    answered,
    perSecond: answered / seconds,
    timeouts,
    unmatched,
    p50Ms: summary(latencies).p50Ms,
  });
}

async function qm() {
  let waiting;
  const onGroup = (msg, rinfo) => {
    if (!waiting || rinfo.address !== cfg.target) return;
    const m = decode(msg);
    if (
      m &&
      m.type === 'response' &&
      recordsOf(m).some((r) => r.type === 'SRV' && r.ttl > 0 && r.name.toLowerCase() === waiting.name)
    )
      waiting.done(hrMs());
  };
  await open(GROUP, 5353, onGroup);
  const sock = await open(cfg.source, 5353, () => undefined);
  ready();
  await sleep(100);
  const latencies = [];
  let timeouts = 0;
  const start = Date.now();
  const stride = cfg.n >= cfg.count ? Math.floor(cfg.n / cfg.count) : 1;
  for (let k = 0; k < cfg.count && Date.now() - start < maxMs; k++) {
    const due = start + k * cfg.spacingMs;
    if (Date.now() < due) await sleep(due - Date.now());
    const i = (k * stride + 1) % cfg.n;
    const sentAt = hrMs();
    const at = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), cfg.timeoutMs);
      waiting = { name: `svc-${i}.${typeFqdn}`, done: (t) => (clearTimeout(timer), resolve(t)) };
      sock.send(srvQuery(i, 0, false), 5353, GROUP);
    });
    waiting = undefined;
    if (at === null) timeouts += 1;
    else latencies.push(at - sentAt);
  }
  finish({ kind: 'done', sent: latencies.length + timeouts, timeouts, ...summary(latencies) });
}

const phases = { watch, ptr, 'legacy-seq': legacySeq, 'legacy-rate': legacyRate, qm };
const run = phases[cfg.phase];
if (!run) finish({ kind: 'error', error: `unknown phase ${cfg.phase}` }, 2);
else run().catch((err) => finish({ kind: 'error', error: err.message }, 1));
