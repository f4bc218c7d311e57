// bonjour-service find() inside a lab host.
//
// usage: node bonjour-find.cjs '{"address":"192.0.2.12","type":"heldback","listenMs":3000}'
// then one line on stdin: {"at": <epoch ms>} — find() starts at `at`.
//
// The Bonjour instance is created before the go line (so socket set-up does
// not blur the timing); its browser only listens from find() on, as in a
// fresh process. Options go to multicast-dns: `interface` = the lab address
// (the only membership and the multicast interface; without it multicast-dns
// joins on every interface, lo included), `bind: '0.0.0.0'` (multicast-dns
// binds to `interface` otherwise, and a socket bound to a unicast address
// gets no multicast on Linux), port 5353 with SO_REUSEADDR (its defaults),
// multicast loopback off.
//
// Output, JSON lines: {kind:'ready'}, {kind:'find', at},
// {kind:'sent', at, hex} for every packet bonjour-service sends,
// {kind:'recv', at, from, port, hex} for every response after find(),
// {kind:'up', at, service}, {kind:'done', at, services}; `at` = epoch ms.
'use strict';
const { Bonjour } = require('bonjour-service');
const dnsPacket = require('dns-packet');
const io = require('./lab-io.cjs');

const cfg = io.config();
const MAX_RECV = 2_000;

(async () => {
  const ifname = io.labInterface(cfg.address);
  const bonjour = new Bonjour({ interface: cfg.address, bind: '0.0.0.0', loopback: false }, (err) =>
    io.out({ kind: 'error', error: String(err) }),
  );
  const mdns = bonjour.server.mdns;
  mdns.on('error', (e) => io.out({ kind: 'error', error: e.message }));
  mdns.on('warning', (e) => io.out({ kind: 'warning', error: e.message }));
  // Record every packet bonjour-service sends (multicast-dns's query and
  // respond both go through `send`).
  const send = mdns.send;
  mdns.send = (value, rinfo, cb) => {
    let hex = '';
    try {
      hex = dnsPacket.encode(value).toString('hex');
    } catch {
      // send encodes it again; a failure shows there
    }
    io.out({ kind: 'sent', at: Date.now(), to: rinfo && typeof rinfo === 'object' ? rinfo : undefined, hex });
    return send(value, rinfo, cb);
  };
  await new Promise((resolve, reject) => {
    mdns.once('ready', resolve);
    mdns.once('error', reject);
  });
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
  io.out({ kind: 'find', at: Date.now() });
  const browser = bonjour.find({ type: cfg.type });
  browser.on('up', (s) =>
    io.out({
      kind: 'up',
      at: Date.now(),
      service: {
        name: s.name,
        fqdn: s.fqdn,
        type: s.type,
        protocol: s.protocol,
        host: s.host,
        port: s.port,
        addresses: s.addresses,
        txt: s.txt,
        referer: s.referer,
      },
    }),
  );
  await io.sleep(Math.min(cfg.listenMs || 3_000, 30_000));
  const services = browser.services.map((s) => ({ name: s.name, host: s.host, port: s.port }));
  browser.stop();
  await new Promise((resolve) => bonjour.destroy(resolve));
  io.out({ kind: 'done', at: Date.now(), services });
  process.exit(0);
})().catch(io.fail);
