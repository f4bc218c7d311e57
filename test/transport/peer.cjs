// A plain-dgram mDNS peer for transport lab tests (independent of boaster).
// usage: node peer.cjs '<json>' with {family, source, ifname, listenMs, send: [{data, to?}]}
// Listens on the group (and its unicast address) for listenMs, sends each
// item (to the group unless `to` is given), prints received datagrams as JSON lines.
const dgram = require('node:dgram');
const cfg = JSON.parse(process.argv[2]);
const v6 = cfg.family === 6;
const group = v6 ? `ff02::fb%${cfg.ifname}` : '224.0.0.251';
const sockets = [];
const print = (kind) => (msg, rinfo) =>
  process.stdout.write(`${JSON.stringify({ kind, from: rinfo.address, port: rinfo.port, payload: msg.toString() })}\n`);
const open = (address, kind) =>
  new Promise((resolve) => {
    const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: true });
    s.on('message', print(kind));
    s.on('error', (e) => process.stdout.write(`${JSON.stringify({ error: e.message })}\n`));
    s.bind(5353, address, () => resolve(s));
    sockets.push(s);
  });
(async () => {
  const g = await open(group, 'multicast');
  g.addMembership(v6 ? 'ff02::fb' : '224.0.0.251', v6 ? `::%${cfg.ifname}` : cfg.source);
  const u = await open(v6 ? `${cfg.source}%${cfg.ifname}` : cfg.source, 'unicast');
  u.setMulticastInterface(v6 ? `::%${cfg.ifname}` : cfg.source);
  u.setMulticastTTL(255);
  for (const item of cfg.send || []) {
    const to = item.to ? (v6 && item.to.startsWith('fe80') ? `${item.to}%${cfg.ifname}` : item.to) : group;
    await new Promise((r) => u.send(Buffer.from(item.data), 5353, to, r));
  }
  process.stdout.write(`${JSON.stringify({ kind: 'sent' })}\n`);
  setTimeout(() => sockets.forEach((s) => s.close()), cfg.listenMs ?? 1000);
})();
