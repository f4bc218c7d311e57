// The floor of the lab scale benchmark: what Node itself costs to answer a
// query, with no mDNS logic at all. Runs inside lab host h0 (IPv4 only).
// usage: node floor.cjs '<json>' with { address, maxLifeMs }.
// One socket bound to 0.0.0.0:5353 joined to 224.0.0.251 on `address`'s
// interface; every query (QR clear, one question) is answered at once with
// one canned SRV record for the question's name (a compression pointer to
// it): by unicast to the source when it is not port 5353 (legacy, id
// copied), by multicast otherwise. It prints READY once bound and exits on
// SIGTERM or after maxLifeMs.
'use strict';
const dgram = require('node:dgram');

const cfg = JSON.parse(process.argv[2]);
const GROUP = '224.0.0.251';
const life = setTimeout(() => process.exit(4), Math.min(cfg.maxLifeMs || 600_000, 3_600_000));

// The answer's fixed part after its name: TYPE SRV, CLASS IN, TTL 120, RDLENGTH 8,
// priority 0, weight 0, port 8000, target = a pointer to the name at offset 12.
const SRV_TAIL = Buffer.from([
  0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x40, 0xc0, 0x0c,
]);

const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
sock.on('error', () => undefined);
sock.on('message', (msg, rinfo) => {
  if (msg.length < 17 || (msg[2] & 0x80) !== 0 || msg.readUInt16BE(4) !== 1) return;
  const legacy = rinfo.port !== 5353;
  const header = Buffer.alloc(12);
  if (legacy) msg.copy(header, 0, 0, 2); // RFC 6762 §6.7: the query's id
  header.writeUInt16BE(0x8400, 2);
  header.writeUInt16BE(1, 6);
  // The name of the one question, without its type and class.
  const reply = Buffer.concat([header, msg.subarray(12, msg.length - 4), SRV_TAIL]);
  if (legacy) sock.send(reply, rinfo.port, rinfo.address);
  else sock.send(reply, 5353, GROUP);
});
sock.bind(5353, () => {
  sock.addMembership(GROUP, cfg.address);
  sock.setMulticastInterface(cfg.address);
  sock.setMulticastLoopback(false);
  process.stdout.write('READY\n');
});
process.on('SIGTERM', () => {
  clearTimeout(life);
  sock.close(() => process.exit(0));
});
