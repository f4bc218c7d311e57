// Active conformance tester: plain node:dgram + dns-packet, independent of
// boaster. Runs inside a lab host and plays "the other hosts on the link".
//
// usage: node tester.cjs '<json>' with
//   { v4: {source}, v6?: {source, ifname}, durationMs, steps: [...], reactions: [...] }
//
// Sockets per family F (4, 6): `multicast` bound to the group (224.0.0.251 /
// ff02::fb%if) port 5353, `unicast` bound to the host's own address port 5353
// (sends the port-5353 packets; a datagram arriving here was sent by unicast),
// `ephemeral` bound to the own address, port 0 (legacy unicast queries).
// Multicast loopback is off, TTL / hop limit 255 (RFC 6762 §11).
//
// step: { at, label, family?: 4|6, socket?: 'mdns'|'ephemeral', to?, port?,
//         qu?: true | number[], packet }  — send `packet` (a dns-packet
//         encode() input) at `at` ms. `qu` sets the top bit of the class of
//         the first (true) or the listed questions in the encoded buffer, since
//         dns-packet cannot encode QU.
// reaction: { label, family?, match: { qr: bool, name: string (case-insensitive
//         regex, anchored), type?: 'ANY'|..., authority?: bool, section?:
//         'question'|'answer' }, from?, until?, skip?, max?, respond: [{ after,
//         packet, to?: 'group'|'source' }] } — when a received packet matches,
//         send each `respond` packet `after` ms later; the string "$NAME" in a
//         packet template is replaced by the matching name as received.
//
// Output, JSON lines: {kind:'ready', t, epochMs, ports}, {kind:'sent', label,
// t, family, sock, to, port, hex}, {kind:'recv', family, sock, t, from, port,
// hex}, {kind:'react', label, t, name}, {kind:'error', ...}, {kind:'done', t}.
// t = ms since start (process.hrtime); epochMs = Date.now() at t = 0.
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = { 4: '224.0.0.251', 6: 'ff02::fb' };
const t0 = process.hrtime.bigint();
const epochMs = Date.now();
const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sockets = {};
const reactions = (cfg.reactions || []).map((r) => ({
  ...r,
  seen: 0,
  fired: 0,
  re: new RegExp(`^${r.match.name}\\.?$`, 'i'),
}));
let closed = false;

function open(family, name, address, port) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
    s.on('message', (msg, rinfo) => {
      const t = now();
      out({
        kind: 'recv',
        family,
        sock: name,
        t,
        from: rinfo.address.replace(/%.*$/, ''),
        port: rinfo.port,
        hex: msg.toString('hex'),
      });
      react(family, msg, rinfo, t);
    });
    s.on('error', (e) => out({ kind: 'error', family, sock: name, error: e.message }));
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve(s);
    });
    sockets[`${name}${family}`] = s;
  });
}

function setQU(buf, packet, qu) {
  const qs = packet.questions || [];
  const which = qu === true ? [0] : qu;
  let off = 12;
  qs.forEach((q, i) => {
    off += dnsPacket.name.encodingLength(q.name) + 2;
    if (which.includes(i)) buf[off] |= 0x80;
    off += 2;
  });
  return buf;
}

function encode(packet, qu) {
  const buf = dnsPacket.encode(packet);
  return qu ? setQU(buf, packet, qu) : buf;
}

function fill(template, name) {
  return JSON.parse(JSON.stringify(template), (_k, v) => (typeof v === 'string' ? v.split('$NAME').join(name) : v));
}

function send(family, sockName, buf, to, port, label) {
  if (closed) return Promise.resolve();
  const s = sockets[`${sockName}${family}`];
  const dest = to || (family === 6 ? `${GROUP[6]}%${cfg.v6.ifname}` : GROUP[4]);
  const t = now();
  return new Promise((r) =>
    s.send(buf, port || 5353, dest, (err) => {
      if (err) out({ kind: 'error', label, error: err.message });
      else
        out({
          kind: 'sent',
          label,
          t,
          family,
          sock: sockName,
          to: dest.replace(/%.*$/, ''),
          port: port || 5353,
          hex: buf.toString('hex'),
        });
      r();
    }),
  );
}

function matchName(r, m) {
  const want = r.match;
  if (want.qr !== undefined && Boolean(m.type === 'response') !== want.qr) return undefined;
  if (want.authority && !(m.authorities || []).length) return undefined;
  const list = want.section === 'answer' ? m.answers || [] : m.questions || [];
  const hit = list.find((x) => r.re.test(x.name) && (!want.type || x.type === want.type));
  return hit ? hit.name : undefined;
}

function react(family, msg, rinfo, t) {
  if (!reactions.length) return;
  let m;
  try {
    m = dnsPacket.decode(msg);
  } catch {
    return;
  }
  for (const r of reactions) {
    if ((r.family || 4) !== family) continue;
    if (r.from !== undefined && t < r.from) continue;
    if (r.until !== undefined && t > r.until) continue;
    if (r.max !== undefined && r.fired >= r.max) continue;
    const name = matchName(r, m);
    if (name === undefined) continue;
    r.seen += 1;
    if (r.seen <= (r.skip || 0)) continue;
    r.fired += 1;
    out({ kind: 'react', label: r.label, t, name });
    for (const step of r.respond) {
      const to = step.to === 'source' ? rinfo.address : undefined;
      let buf;
      try {
        buf = encode(fill(step.packet, name), step.qu);
      } catch (err) {
        out({ kind: 'error', label: r.label, error: err.message });
        continue;
      }
      setTimeout(
        () => void send(family, 'unicast', buf, to, step.to === 'source' ? rinfo.port : 5353, r.label),
        step.after || 0,
      );
    }
  }
}

async function openFamily(family, c) {
  const scoped = family === 6 ? `${c.source}%${c.ifname}` : c.source;
  const g = await open(family, 'multicast', family === 6 ? `${GROUP[6]}%${c.ifname}` : GROUP[4], 5353);
  g.addMembership(GROUP[family], family === 6 ? `::%${c.ifname}` : c.source);
  g.setMulticastLoopback(false);
  for (const name of ['unicast', 'ephemeral']) {
    const s = await open(family, name, scoped, name === 'unicast' ? 5353 : 0);
    s.setMulticastInterface(family === 6 ? `::%${c.ifname}` : c.source);
    s.setMulticastTTL(255);
    s.setMulticastLoopback(false);
    s.setTTL(255);
  }
}

function closeAll() {
  closed = true;
  for (const s of Object.values(sockets)) s.close();
}

(async () => {
  await openFamily(4, cfg.v4);
  if (cfg.v6) await openFamily(6, cfg.v6);
  const ports = Object.fromEntries(Object.entries(sockets).map(([k, s]) => [k, s.address().port]));
  out({ kind: 'ready', t: now(), epochMs, ports });
  const steps = [...(cfg.steps || [])].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    const wait = step.at - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let buf;
    try {
      buf = encode(step.packet, step.qu);
    } catch (err) {
      out({ kind: 'error', label: step.label, error: err.message });
      continue;
    }
    await send(
      step.family || 4,
      step.socket === 'ephemeral' ? 'ephemeral' : 'unicast',
      buf,
      step.to,
      step.port,
      step.label,
    );
  }
  const rest = (cfg.durationMs || 1000) - now();
  setTimeout(
    () => {
      closeAll();
      out({ kind: 'done', t: now() });
    },
    Math.max(0, rest),
  );
})().catch((err) => {
  out({ kind: 'error', error: err.message });
  process.exitCode = 1;
  closeAll();
});
