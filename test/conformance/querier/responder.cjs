// Scripted responder for the querier conformance suite: plain node:dgram +
// dns-packet, independent of boaster. Runs in a lab host (IPv4) and plays
// "the responder on the link" for a querier under test.
//
// usage: node responder.cjs '<json>' with
//   { source, querier, ptrName, durationMs, answer: bool,
//     sets: { NAME: [answer records] }, rules: [...] }
//
// It counts the querier's queries for `ptrName` (type PTR, sent from the
// `querier` address): the n-th such packet is query n. A rule fires on one:
//   { label, nth, after, action: 'announce' | 'goodbye' | 'dup' | 'ask' | 'end', set?, replaces?, beforeNext?, extra? }
//   announce  multicast the set's records (responses of ≤ 1400 bytes); they become live
//             (with `replaces`, that set stops being live: its records were superseded)
//   goodbye   multicast the set's PTR records with TTL 0 (RFC 6762 §10.1); not live any more
//   dup       multicast a QM query with the same PTR question and the known answers the
//             querier listed in query n (§7.3), plus the rule's `extra` records if any;
//             with `beforeNext`, sent that many ms before
//             query n+1 is due if the querier doubles its intervals: t(n) + 2·(t(n) − t(n−1)) − beforeNext
//   ask       multicast a QM query with the same PTR question and no known answers, as a
//             third party asking would (RFC 6762 §10.5: queries the cached PTR should answer)
//   end       stop (before durationMs)
// With `answer`, live records are given to the querier's queries after 30 ms,
// except those it lists as known answers with at least half our TTL (§7.1);
// queries with TC are not answered (their known answers would need §7.2's wait).
//
// Output, JSON lines: {kind:'ready', epochMs}, {kind:'query', n, at},
// {kind:'sent', label, at, hex}, {kind:'error', error}, {kind:'done', at}.
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const MAX_PACKET = 1400;
const ANSWER_DELAY_MS = 30;
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const lower = (s) => String(s).replace(/\.$/, '').toLowerCase();
const ptrName = lower(cfg.ptrName);
const live = new Map(); // set name -> records
const queryTimes = []; // epoch ms of query n (index n-1)
const listed = []; // known answers of query n (index n-1), continuation packets included
let lastQueryAt = -Infinity;
let closed = false;
let endTimer;
let sock;

/** Identity of a record for known-answer comparison: name, type and (for PTR) the target. */
function identity(r) {
  return `${lower(r.name)}|${r.type}|${r.type === 'PTR' ? lower(r.data) : ''}`;
}

function send(label, packet) {
  if (closed) return;
  let buf;
  try {
    buf = dnsPacket.encode(packet);
  } catch (err) {
    out({ kind: 'error', error: `${label}: ${err.message}` });
    return;
  }
  sock.send(buf, 5353, GROUP, (err) => {
    if (err) out({ kind: 'error', error: `${label}: ${err.message}` });
    else out({ kind: 'sent', label, at: Date.now(), hex: buf.toString('hex') });
  });
}

/** Responses carrying `records`, each at most MAX_PACKET bytes. */
function respond(label, records) {
  let answers = [];
  const packet = (a) => ({ type: 'response', id: 0, flags: 0x0400, answers: a });
  for (const r of records) {
    if (answers.length > 0 && dnsPacket.encodingLength(packet([...answers, r])) > MAX_PACKET) {
      send(label, packet(answers));
      answers = [];
    }
    answers.push(r);
  }
  if (answers.length > 0) send(label, packet(answers));
}

function act(rule, n) {
  const records = cfg.sets[rule.set] || [];
  if (rule.action === 'announce') {
    if (rule.replaces) live.delete(rule.replaces);
    live.set(rule.set, records);
    respond(rule.label, records);
  } else if (rule.action === 'goodbye') {
    live.delete(rule.set);
    respond(
      rule.label,
      records.filter((r) => r.type === 'PTR').map((r) => ({ ...r, ttl: 0 })),
    );
  } else if (rule.action === 'dup') {
    const q = {
      type: 'query',
      id: 0,
      flags: 0,
      questions: [{ name: cfg.ptrName, type: 'PTR', class: 'IN' }],
      answers: [...(listed[n - 1] || []), ...(rule.extra || [])],
    };
    send(rule.label, q);
  } else if (rule.action === 'ask') {
    send(rule.label, { type: 'query', id: 0, flags: 0, questions: [{ name: cfg.ptrName, type: 'PTR', class: 'IN' }] });
  } else if (rule.action === 'end') {
    finish();
  }
}

function schedule(n) {
  for (const rule of cfg.rules || []) {
    if (rule.nth !== n) continue;
    let wait = rule.after || 0;
    if (rule.beforeNext !== undefined) {
      const prev = queryTimes[n - 2];
      if (prev === undefined) {
        out({ kind: 'error', error: `${rule.label}: beforeNext needs query ${n - 1}` });
        continue;
      }
      wait = 2 * (queryTimes[n - 1] - prev) - rule.beforeNext;
    }
    setTimeout(() => act(rule, n), Math.max(0, wait));
  }
}

/** §7.1: our live records answering `q`, minus those listed with at least half our TTL. */
function answersFor(q, known) {
  const res = [];
  for (const records of live.values()) {
    for (const r of records) {
      if (lower(r.name) !== lower(q.name) || (q.type !== 'ANY' && q.type !== r.type)) continue;
      const k = known.get(identity(r));
      if (k !== undefined && k >= r.ttl / 2) continue;
      res.push(r);
    }
  }
  return res;
}

function onMessage(msg, rinfo) {
  if (rinfo.address !== cfg.querier) return;
  let m;
  try {
    m = dnsPacket.decode(msg);
  } catch {
    return;
  }
  if (m.type === 'response') return;
  const now = Date.now();
  const questions = m.questions || [];
  const ours = questions.some((q) => q.type === 'PTR' && lower(q.name) === ptrName);
  if (ours) {
    queryTimes.push(now);
    listed.push([...(m.answers || [])]);
    lastQueryAt = now;
    out({ kind: 'query', n: queryTimes.length, at: now });
    schedule(queryTimes.length);
  } else if (questions.length === 0 && now - lastQueryAt < 100 && listed.length > 0) {
    // A continuation of the last query (its known answers went on in more packets, §7.2).
    listed[listed.length - 1].push(...(m.answers || []));
  }
  if (!cfg.answer || m.flag_tc || questions.length === 0) return;
  const known = new Map((m.answers || []).map((a) => [identity(a), a.ttl]));
  const answers = [];
  for (const q of questions) for (const r of answersFor(q, known)) if (!answers.includes(r)) answers.push(r);
  if (answers.length > 0) setTimeout(() => respond('answer', answers), ANSWER_DELAY_MS);
}

function finish() {
  if (closed) return;
  closed = true;
  clearTimeout(endTimer);
  // Let queued sends leave before closing.
  setTimeout(() => {
    sock.close();
    out({ kind: 'done', at: Date.now() });
  }, 50);
}

sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
sock.on('message', onMessage);
sock.on('error', (e) => out({ kind: 'error', error: e.message }));
sock.bind(5353, '0.0.0.0', () => {
  sock.addMembership(GROUP, cfg.source);
  sock.setMulticastInterface(cfg.source);
  sock.setMulticastLoopback(false);
  sock.setMulticastTTL(255);
  sock.setTTL(255);
  out({ kind: 'ready', epochMs: Date.now() });
  endTimer = setTimeout(finish, cfg.durationMs || 30000);
});
