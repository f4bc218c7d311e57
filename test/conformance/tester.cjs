// Active conformance tester (plain dgram + dns-packet; independent of boaster).
// Runs inside a lab host (IPv4 only).
// usage: node tester.cjs '<json>' with
//   {source, ifname, durationMs, steps: [{at, label, socket: 'mdns'|'ephemeral', to?, port?, qu?, packet}]}
// `packet` is a dns-packet encode() input; `qu: true` sets the top bit of the
// class of the first question in the encoded buffer (dns-packet cannot encode QU).
// Sockets: 'multicast' bound to 224.0.0.251:5353 (group member), 'unicast'
// bound to <source>:5353 (sends port-5353 queries), 'ephemeral' bound to
// <source>:0 (legacy unicast queries). Every received datagram is printed as a
// JSON line {kind:'recv', sock, t, from, port, hex}, every send as
// {kind:'sent', label, t, sock, port, to}; t = ms since start (process.hrtime).
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const t0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sockets = {};

const open = (name, address, port) =>
  new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', (msg, rinfo) => {
      const t = now();
      out({ kind: 'recv', sock: name, t, from: rinfo.address, port: rinfo.port, hex: msg.toString('hex') });
    });
    s.on('error', (e) => out({ kind: 'error', sock: name, error: e.message }));
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve(s);
    });
    sockets[name] = s;
  });

function encode(step) {
  const buf = dnsPacket.encode(step.packet);
  if (step.qu) {
    const q = step.packet.questions && step.packet.questions[0];
    if (!q) throw new Error(`step ${step.label}: qu without question`);
    // header (12) + name + type (2) → class
    const off = 12 + dnsPacket.name.encodingLength(q.name) + 2;
    buf[off] |= 0x80;
  }
  return buf;
}

(async () => {
  const g = await open('multicast', GROUP, 5353);
  g.addMembership(GROUP, cfg.source);
  g.setMulticastLoopback(false);
  const u = await open('unicast', cfg.source, 5353);
  u.setMulticastInterface(cfg.source);
  u.setMulticastTTL(255);
  u.setMulticastLoopback(false);
  u.setTTL(255);
  const e = await open('ephemeral', cfg.source, 0);
  e.setMulticastInterface(cfg.source);
  e.setMulticastTTL(255);
  e.setTTL(255);
  out({ kind: 'ready', t: now(), ephemeralPort: e.address().port });
  const steps = [...(cfg.steps || [])].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    const wait = step.at - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = step.socket === 'ephemeral' ? e : u;
    const to = step.to || GROUP;
    const port = step.port || 5353;
    let buf;
    try {
      buf = encode(step);
    } catch (err) {
      out({ kind: 'error', label: step.label, error: err.message });
      continue;
    }
    const t = now();
    await new Promise((r) => s.send(buf, port, to, (err) => {
      if (err) out({ kind: 'error', label: step.label, error: err.message });
      r();
    }));
    out({ kind: 'sent', label: step.label, t, sock: step.socket === 'ephemeral' ? 'ephemeral' : 'unicast', to, port, hex: buf.toString('hex') });
  }
  const rest = (cfg.durationMs || 1000) - now();
  setTimeout(() => {
    for (const s of Object.values(sockets)) s.close();
    out({ kind: 'done', t: now() });
  }, Math.max(0, rest));
})().catch((err) => {
  out({ kind: 'error', error: err.message });
  process.exitCode = 1;
  for (const s of Object.values(sockets)) s.close();
});
