// One query with multicast-dns inside a lab host.
//
// usage: node mdns-query.cjs '{"address":"192.0.2.12","name":"_x._tcp.local","type":"PTR","listenMs":2500}'
// then one line on stdin: {"at": <epoch ms>} — the query is sent at `at`.
//
// Options as in bonjour-find.cjs: `interface` = the lab address (only
// membership, multicast interface), `bind: '0.0.0.0'`, port 5353 with
// SO_REUSEADDR (the defaults), multicast loopback off. Only responses
// received after the query are logged.
//
// Output, JSON lines: {kind:'ready'}, {kind:'sent', at, hex},
// {kind:'recv', at, from, port, hex}, {kind:'done', at}; `at` = epoch ms.
'use strict';
const mdnsFactory = require('multicast-dns');
const dnsPacket = require('dns-packet');
const io = require('./lab-io.cjs');

const cfg = io.config();
const MAX_RECV = 2_000;

(async () => {
  const ifname = io.labInterface(cfg.address);
  const mdns = mdnsFactory({ interface: cfg.address, bind: '0.0.0.0', loopback: false });
  mdns.on('warning', (e) => io.out({ kind: 'warning', error: e.message }));
  await new Promise((resolve, reject) => {
    mdns.once('ready', resolve);
    mdns.once('error', reject);
  });
  mdns.on('error', (e) => io.out({ kind: 'error', error: e.message }));
  io.out({ kind: 'ready', at: Date.now(), ifname, interfaces: io.interfaces() });

  const go = await io.waitForGo();
  await io.sleepUntil(go.at);
  let received = 0;
  mdns.on('response', (packet, rinfo) => {
    if (received++ < MAX_RECV)
      io.out({
        kind: 'recv',
        at: Date.now(),
        from: rinfo.address,
        port: rinfo.port,
        hex: dnsPacket.encode(packet).toString('hex'),
      });
  });
  const question = { type: 'query', questions: [{ name: cfg.name, type: cfg.type || 'PTR' }] };
  const sentAt = Date.now();
  await new Promise((resolve, reject) => mdns.query(question, (e) => (e ? reject(e) : resolve())));
  io.out({ kind: 'sent', at: sentAt, hex: dnsPacket.encode({ ...question, id: 0 }).toString('hex') });
  await io.sleep(Math.min(cfg.listenMs || 2_500, 30_000));
  await new Promise((resolve) => mdns.destroy(resolve));
  io.out({ kind: 'done', at: Date.now() });
  process.exit(0);
})().catch(io.fail);
