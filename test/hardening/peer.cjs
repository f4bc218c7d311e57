// Scripted mDNS peer for the hardening lab tests: plain node:dgram +
// dns-packet, independent of boaster. Runs inside a lab host.
//
// usage: node peer.cjs '<json>' with
//   { durationMs, ifname,
//     sockets: [{ id, family: 4|6, address, port, group?: true }],
//     steps: [{ at, label, socket, to?, port?, hex }],
//     defend: [{ label, name, hex, socket, max }] }
//
// Sockets: a `group` socket is bound to the group (224.0.0.251 or
// ff02::fb%ifname) port 5353 and joins it; the others are bound to `address`
// (IPv6 link-local gets `%ifname`) and `port` (0 = ephemeral). All have
// multicast loopback off, TTL / hop limit 255 (RFC 6762 §11), and the
// multicast interface set to their address (IPv4) or ifname (IPv6).
//
// step: send the packet `hex` from `socket` at `at` ms to `to` (default the
// group of the socket's family) port `port` (default 5353).
// defend: when a probe (a query with an authority section) for `name`
// (case-insensitive) arrives on any socket of the family of `socket`, send
// `hex` from `socket` to the group; at most `max` times.
//
// Output, JSON lines: {kind:'ready', epochMs, ports}, {kind:'sent', label,
// t}, {kind:'recv', sock, t, from, port, hex}, {kind:'react', label, t},
// {kind:'error', ...}, {kind:'done', t}. t = ms since ready.
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');

const cfg = JSON.parse(process.argv[2]);
const MAX_DURATION_MS = 120_000;
const MAX_RECV_LOGGED = 5_000;
const GROUP = { 4: '224.0.0.251', 6: 'ff02::fb' };
const sockets = new Map();
let t0 = Date.now();
let logged = 0;
let closed = false;
const now = () => Date.now() - t0;
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const defend = (cfg.defend || []).map((d) => ({ ...d, fired: 0, key: d.name.toLowerCase().replace(/\.$/, '') }));

function scoped(family, address) {
  return family === 6 && /^fe[89ab]/i.test(address) ? `${address}%${cfg.ifname}` : address;
}

function send(sockId, buf, to, port, label) {
  if (closed) return;
  const s = sockets.get(sockId);
  if (!s) {
    out({ kind: 'error', label, error: `no socket ${sockId}` });
    return;
  }
  const dest = to || (s.family === 6 ? `${GROUP[6]}%${cfg.ifname}` : GROUP[4]);
  const t = now();
  s.sock.send(buf, port || 5353, dest, (err) => {
    if (err) out({ kind: 'error', label, error: err.message });
    else out({ kind: 'sent', label, t });
  });
}

function react(family, msg, t) {
  if (defend.length === 0) return;
  let m;
  try {
    m = dnsPacket.decode(msg);
  } catch {
    return;
  }
  if (m.type === 'response' || !(m.authorities || []).length) return;
  const asked = new Set((m.questions || []).map((q) => q.name.toLowerCase().replace(/\.$/, '')));
  for (const d of defend) {
    const s = sockets.get(d.socket);
    if (!s || s.family !== family || d.fired >= (d.max || 10) || !asked.has(d.key)) continue;
    d.fired += 1;
    out({ kind: 'react', label: d.label, t });
    send(d.socket, Buffer.from(d.hex, 'hex'), undefined, 5353, d.label);
  }
}

function open(spec) {
  return new Promise((resolve, reject) => {
    const family = spec.family;
    const sock = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
    sock.on('message', (msg, rinfo) => {
      const t = now();
      if (logged < MAX_RECV_LOGGED) {
        logged += 1;
        out({
          kind: 'recv',
          sock: spec.id,
          t,
          from: rinfo.address.replace(/%.*$/, ''),
          port: rinfo.port,
          hex: msg.toString('hex'),
        });
      }
      react(family, msg, t);
    });
    sock.on('error', (e) => out({ kind: 'error', sock: spec.id, error: e.message }));
    sock.once('error', reject);
    const address = spec.group ? (family === 6 ? `${GROUP[6]}%${cfg.ifname}` : GROUP[4]) : scoped(family, spec.address);
    sock.bind(spec.group ? 5353 : spec.port, address, () => {
      sock.off('error', reject);
      if (spec.group) sock.addMembership(GROUP[family], family === 6 ? `::%${cfg.ifname}` : spec.address);
      else sock.setMulticastInterface(family === 6 ? `::%${cfg.ifname}` : spec.address);
      sock.setMulticastLoopback(false);
      sock.setMulticastTTL(255);
      sock.setTTL(255);
      sockets.set(spec.id, { sock, family });
      resolve();
    });
  });
}

function closeAll() {
  closed = true;
  for (const { sock } of sockets.values()) sock.close();
}

(async () => {
  for (const spec of cfg.sockets) await open(spec);
  t0 = Date.now();
  const ports = Object.fromEntries([...sockets].map(([id, s]) => [id, s.sock.address().port]));
  out({ kind: 'ready', epochMs: t0, ports });
  const steps = [...(cfg.steps || [])].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    const wait = step.at - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    send(step.socket, Buffer.from(step.hex, 'hex'), step.to, step.port, step.label);
  }
  const rest = Math.min(cfg.durationMs || 1000, MAX_DURATION_MS) - now();
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
