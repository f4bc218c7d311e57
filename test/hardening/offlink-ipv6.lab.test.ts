/**
 * Issue 9, the IPv6 side of CVE-2017-6519: mDNS from an off-link source
 * must be ignored (RFC 6762 §11), or a responder answers (and amplifies)
 * for anyone who can route a packet to the link, and lets them push it into
 * renaming its services.
 *
 * h1 gets the global address 2001:db8:7::7/64 (RFC 3849 documentation
 * space) beside its link-local one; boaster's host h0 keeps only its
 * link-local IPv6 address but gets a route to 2001:db8:7::/64, so a reply
 * *could* reach the off-link source (checked first: without that the test
 * could not fail). From sockets bound to the global address h1 sends to
 * [ff02::fb%eth0]:5353 legacy SRV queries, QU queries, a legacy PTR query
 * with EDNS0 (9000 bytes) and a conflicting SRV response (and answers
 * boaster's probes, should it re-probe); no reply may arrive and the service
 * must keep its name. Control: the same legacy query from h1's link-local
 * address is answered.
 */
import { describe, expect, it } from 'vitest';
import type { Answer, SrvAnswer } from 'dns-packet';
import { assertLabIPv6Cidr } from '../lab/addresses.js';
import { labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { startPublish } from '../responder/publish-lab.js';
import { instanceFqdn, query, recordsOf, response, runPeer, sameName, type PeerStep } from './peer.js';

const skip = labGate([], 'hardening: off-link IPv6');

const OFFLINK = '2001:db8:7::7';
const OFFLINK_CIDR = `${OFFLINK}/64`;
const OFFLINK_NET = '2001:db8:7::/64';
const ANNOUNCED_MS = 4_000;
/** How long after the last off-link send the peer keeps listening. */
const LISTEN_MS = 2_000;

/** A node one-liner: send one datagram from `bindAddress` to `to`:9999 and print the error, if any. */
const sendOne = (bindAddress: string, to: string): string =>
  `const s=require('node:dgram').createSocket('udp6');s.bind(0,${JSON.stringify(bindAddress)},()=>s.send('reach',9999,${JSON.stringify(to)},(e)=>{process.stdout.write(e?'ERR '+e.message:'OK');s.close();}));`;
const receiveOne = (address: string): string =>
  `const s=require('node:dgram').createSocket('udp6');const t=setTimeout(()=>s.close(),3000);s.on('message',(m,r)=>{process.stdout.write('GOT '+r.address);clearTimeout(t);s.close();});s.bind(9999,${JSON.stringify(address)});`;

/** A node one-liner: count datagrams from `source` arriving on [ff02::fb%ifname]:5353 for `ms`, then print the count. */
const countArrivals = (ifname: string, source: string, ms: number): string =>
  `const s=require('node:dgram').createSocket({type:'udp6',reuseAddr:true});let n=0;s.on('message',(m,r)=>{if(r.address===${JSON.stringify(source)})n++;});s.bind(5353,'ff02::fb%${ifname}',()=>{s.addMembership('ff02::fb','::%${ifname}');process.stdout.write('READY\\n');});setTimeout(()=>{process.stdout.write('COUNT '+n+'\\n');s.close();},${ms});`;

describe.skipIf(skip)('off-link IPv6 sources are ignored (CVE-2017-6519)', () => {
  const lab = useLab({ hosts: 2 }, async (l) => {
    const h0 = l.host(0);
    const h1 = l.host(1);
    assertLabIPv6Cidr(OFFLINK_CIDR);
    await h1.addAddress(h1.ifname, OFFLINK_CIDR);
    await h1.waitForIPv6(h1.ifname);
    // A route, not an address: h0 stays link-local only, but could answer 2001:db8:7::7.
    assertLabIPv6Cidr(OFFLINK_NET);
    await h0.runChecked('ip', ['-6', 'route', 'replace', OFFLINK_NET, 'dev', h0.ifname]);
  });

  it('h0 can reach the off-link address at all (else nothing below could fail)', async () => {
    const h0 = lab().host(0);
    const h1 = lab().host(1);
    const rx = h1.spawn(process.execPath, ['-e', receiveOne(OFFLINK)], { label: 'reach-rx@h1' });
    await sleep(300);
    const tx = await h0.run(process.execPath, ['-e', sendOne(`${h0.ipv6}%${h0.ifname}`, OFFLINK)], {
      timeoutMs: 10_000,
    });
    await rx.exited;
    expect(tx.stdout).toBe('OK');
    expect(rx.stdout).toMatch(/^GOT fe80:/);
  }, 20_000);

  it('legacy, QU, EDNS0 and conflicting packets from 2001:db8:7::7 get no reply and rename nothing; the link-local control is answered', async () => {
    const h0 = lab().host(0);
    const h1 = lab().host(1);
    const instance = 'Offlink Target';
    const type = '_http._tcp';
    const fqdn = instanceFqdn(instance, type);
    const pub = await startPublish(h0, [instance, type, '8080', '--host', 'offlinkhost']);
    await sleep(ANNOUNCED_MS);

    const theirSrv: Answer = {
      type: 'SRV',
      name: fqdn,
      ttl: 120,
      flush: true,
      data: { priority: 0, weight: 0, port: 9, target: 'intruder.local' },
    };
    const srvQuestion = [{ name: fqdn, type: 'SRV' as const }];
    const ptrQuestion = [{ name: `${type}.local`, type: 'PTR' as const }];
    const edns: Answer = {
      type: 'OPT',
      name: '.',
      udpPayloadSize: 9000,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    };
    const h0Unicast = `${h0.ipv6}%${h1.ifname}`;
    const offlink: PeerStep[] = [
      // (a) legacy unicast SRV queries from an ephemeral port, to the group and to h0's own address
      ...[0, 300, 600].map((at, i) => ({
        at,
        label: `a-legacy-srv-${i}`,
        socket: 'offEph',
        packet: query(srvQuestion, { id: 0x6a00 + i }),
      })),
      {
        at: 700,
        label: 'a-legacy-srv-unicast',
        socket: 'offEph',
        to: h0Unicast,
        packet: query(srvQuestion, { id: 0x6a10 }),
      },
      // (b) QU queries from port 5353
      { at: 900, label: 'b-qu-srv', socket: 'off5353', packet: query(srvQuestion, { qu: true }) },
      { at: 1_200, label: 'b-qu-ptr', socket: 'off5353', packet: query(ptrQuestion, { qu: true }) },
      // (c) a legacy PTR query advertising a 9000-byte EDNS0 payload
      {
        at: 1_500,
        label: 'c-legacy-ptr-edns',
        socket: 'offEph',
        packet: query(ptrQuestion, { id: 0x6c00, additionals: [edns] }),
      },
      // (d) a conflicting SRV for the instance name, twice
      { at: 1_800, label: 'd-conflicting-srv', socket: 'off5353', packet: response([theirSrv]) },
      { at: 2_400, label: 'd-conflicting-srv', socket: 'off5353', packet: response([theirSrv]) },
    ];
    const lastOfflink = Math.max(...offlink.map((s) => s.at));
    const controlAt = lastOfflink + LISTEN_MS;
    // Beside boaster in h0: proof that the off-link packets do arrive at its group socket.
    const arrivals = h0.spawn(process.execPath, ['-e', countArrivals(h0.ifname, OFFLINK, controlAt + 1_000)], {
      label: 'arrivals@h0',
    });
    await arrivals.waitForOutput(/READY/, 5_000);
    const run = await runPeer(h1, {
      durationMs: controlAt + 2_000,
      sockets: [
        { id: 'group6', family: 6, address: h1.ipv6, port: 5353, group: true },
        { id: 'off5353', family: 6, address: OFFLINK, port: 5353 },
        { id: 'offEph', family: 6, address: OFFLINK, port: 0 },
        { id: 'llEph', family: 6, address: h1.ipv6, port: 0 },
      ],
      steps: [
        ...offlink,
        { at: controlAt, label: 'control-legacy-srv', socket: 'llEph', packet: query(srvQuestion, { id: 0x6e00 }) },
      ],
      // Should boaster take the conflict and re-probe, defend: a rename would then show.
      defend: [{ label: 'defend-srv', name: fqdn, socket: 'off5353', packet: response([theirSrv]), max: 4 }],
    });
    expect(run.errors).toEqual([]);
    expect(run.sent.filter((x) => x.label !== 'defend-srv').length, 'not every packet was sent').toBe(
      offlink.length + 1,
    );
    const count = await arrivals.waitForOutput(/COUNT (\d+)/, 5_000);
    // Every off-link packet to the group (all but the one sent to h0's own address) reached h0.
    expect(Number(count[1]), 'the off-link packets did not reach h0').toBeGreaterThanOrEqual(offlink.length - 1);

    const describeDatagram = (d: (typeof run.received)[number]): string =>
      `+${d.at - run.start} ms on ${d.sock} from [${d.from}]:${d.port} ${d.msg?.type ?? 'undecodable'} id ${String(d.msg?.id)} ${recordsOf(
        d.msg,
      )
        .map((r) => `${r.type} ${r.name}`)
        .join(', ')}`;
    // Nothing at all reaches the off-link address.
    const toOfflink = run.received.filter((d) => d.sock === 'off5353' || d.sock === 'offEph');
    expect.soft(toOfflink.map(describeDatagram), 'replies reached the off-link source').toEqual([]);
    // Nor does boaster multicast in reaction (answers, or probes after the conflict).
    const fromH0 = run.received.filter(
      (d) => d.sock === 'group6' && d.from === h0.ipv6 && d.at >= run.start && d.at < run.start + controlAt,
    );
    expect.soft(fromH0.map(describeDatagram), 'boaster multicast in reaction to off-link packets').toEqual([]);
    expect.soft(run.reacts, 'boaster probed its name again after the off-link conflict').toEqual([]);
    // Not renamed, still running.
    expect(pub.process.running, pub.process.tail()).toBe(true);
    expect.soft(pub.process.stdout).not.toMatch(/Renamed/);

    // Control: the same query from the link-local address is answered (legacy unicast, §6.7).
    const control = run.received.find((d) => d.sock === 'llEph' && d.msg?.id === 0x6e00);
    expect(control, 'the link-local control query got no reply: the test cannot tell anything').toBeDefined();
    const srv = recordsOf(control?.msg).find((r): r is SrvAnswer => r.type === 'SRV' && sameName(r.name, fqdn));
    expect(srv?.data.port).toBe(8080);
    expect(sameName(srv?.data.target ?? '', 'offlinkhost.local')).toBe(true);
    await pub.process.stop();
  }, 60_000);
});
