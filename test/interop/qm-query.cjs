// One QM query from port 5353, plain node:dgram + dns-packet (independent of
// boaster and of the libraries under test). Runs inside a lab host.
//
// usage: node qm-query.cjs '{"address":"192.0.2.11","name":"_x._tcp.local","type":"PTR","listenMs":3000}'
// then one line on stdin: {"at": <epoch ms>} — the query is sent at `at`.
//
// The socket is bound to 0.0.0.0:5353 with SO_REUSEADDR (a QM query from
// 5353 is a real mDNS query, not a legacy one), joins 224.0.0.251 on the lab
// address only, multicasts from that address only, TTL 255, multicast
// loopback off. Everything received is logged.
//
// Output, JSON lines: {kind:'ready', ...}, {kind:'sent', at, hex},
// {kind:'recv', at, from, port, hex}, {kind:'done', at}; `at` = epoch ms.
'use strict';
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');
const io = require('./lab-io.cjs');

const cfg = io.config();
const GROUP = '224.0.0.251';
const MAX_RECV = 2_000;

(async () => {
  const ifname = io.labInterface(cfg.address);
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let received = 0;
  sock.on('message', (msg, rinfo) => {
    if (received++ < MAX_RECV)
      io.out({ kind: 'recv', at: Date.now(), from: rinfo.address, port: rinfo.port, hex: msg.toString('hex') });
  });
  sock.on('error', (e) => io.out({ kind: 'error', error: e.message }));
  await new Promise((resolve) => sock.bind(5353, '0.0.0.0', resolve));
  sock.addMembership(GROUP, cfg.address);
  sock.setMulticastInterface(cfg.address);
  sock.setMulticastLoopback(false);
  sock.setMulticastTTL(255);
  sock.setTTL(255);
  io.out({ kind: 'ready', at: Date.now(), ifname, interfaces: io.interfaces(), bound: sock.address() });

  const go = await io.waitForGo();
  await io.sleepUntil(go.at);
  const query = dnsPacket.encode({
    type: 'query',
    id: 0,
    flags: 0,
    questions: [{ name: cfg.name, type: cfg.type || 'PTR', class: 'IN' }],
  });
  const sentAt = Date.now();
  await new Promise((resolve, reject) => sock.send(query, 5353, GROUP, (e) => (e ? reject(e) : resolve())));
  io.out({ kind: 'sent', at: sentAt, hex: query.toString('hex') });
  await io.sleep(Math.min(cfg.listenMs || 3_000, 30_000));
  sock.close();
  io.out({ kind: 'done', at: Date.now() });
  process.exit(0);
})().catch(io.fail);
