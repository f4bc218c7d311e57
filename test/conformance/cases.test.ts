/**
 * The cases' judging on made-up observations (no lab): each can PASS and
 * each can FAIL, for the reason it names.
 */
import dnsPacket, { type Packet } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { IDLE_FROM_MS, IDLE_TO_MS } from './basic-plan.js';
import { probeDenial } from './cases/conflicts.js';
import { chattiness, probing } from './cases/startup.js';
import type { MdnsPacket } from './packets.js';
import type { ScenarioName, ScenarioRun } from './scenario.js';
import type { TesterReact } from './tester.js';

const T = 1_700_000_000_000;
const TARGET = '192.0.2.10';
const INSTANCE = 'Conformance Test._boaster-conf._tcp.local';

function packet(at: number, p: Packet, src = TARGET): MdnsPacket {
  const payload = dnsPacket.encode(p);
  return {
    time: (at - T) / 1000,
    at,
    family: 4,
    src,
    dst: '224.0.0.251',
    srcPort: 5353,
    dstPort: 5353,
    ttl: 255,
    payload,
    msg: dnsPacket.decode(payload),
    decodeError: undefined,
  };
}

function probe(at: number, name = INSTANCE): MdnsPacket {
  return packet(at, {
    type: 'query',
    questions: [{ name, type: 'ANY' as 'A', class: 'IN' }],
    authorities: [{ name, type: 'SRV', class: 'IN', ttl: 120, data: { port: 4242, target: 'h.local' } }],
  });
}

function run(scenario: ScenarioName, packets: MdnsPacket[], reacts: TesterReact[] = []): ScenarioRun {
  return {
    scenario,
    target: 'boaster',
    names: {
      instance: INSTANCE,
      serviceType: '_boaster-conf._tcp.local',
      subtype: undefined,
      hostName: 'h.local',
      targetV4: TARGET,
      targetV6: undefined,
      ifname: 'eth0',
    },
    targetAddresses: new Set([TARGET]),
    testerAddresses: new Set(['192.0.2.11']),
    packets,
    tester: { start: T, end: T + 90_000, sent: [], received: [], reacts, errors: [] },
    marks: { launched: T - 5000 },
    dig: {},
    error: undefined,
    output: '',
  };
}

describe('conformance cases on made-up observations', () => {
  it('probing: three probes 250 ms apart pass; two, or 400 ms apart, fail', () => {
    const ok = probing.judge({ basic: run('basic', [probe(T - 4000), probe(T - 3750), probe(T - 3500)]) });
    expect(ok.status).toBe('WARN'); // made-up probes carry no QU bit
    expect(ok.detail).toMatch(/without the QU bit/);
    const two = probing.judge({ basic: run('basic', [probe(T - 4000), probe(T - 3750)]) });
    expect(two.status).toBe('FAIL');
    expect(two.detail).toMatch(/2 probe\(s\), need 3/);
    const slow = probing.judge({ basic: run('basic', [probe(T - 4000), probe(T - 3600), probe(T - 3350)]) });
    expect(slow.detail).toMatch(/interval\(s\) 400 ms/);
  });

  it('chattiness: silence in the idle window passes, one announcement in it fails', () => {
    const quiet = chattiness.judge({ basic: run('basic', [probe(T - 4000)]) });
    expect(quiet.status).toBe('PASS');
    const announcement = packet(T + (IDLE_FROM_MS + IDLE_TO_MS) / 2, {
      type: 'response',
      answers: [{ name: 'h.local', type: 'A', class: 'IN', ttl: 120, data: TARGET }],
    });
    const chatty = chattiness.judge({ basic: run('basic', [announcement]) });
    expect(chatty.status).toBe('FAIL');
    expect(chatty.detail).toMatch(/while idle/);
  });

  it('probe-denial: probes 5 s apart after the 15th denial pass; 200 ms apart fail', () => {
    const denialsAt = Array.from({ length: 15 }, (_, i) => T + i * 200);
    const reacts = denialsAt.map((at, i) => ({
      label: 'deny',
      at: at + 1,
      name: `Conformance Test (${i + 1})._boaster-conf._tcp.local`,
    }));
    const names = (i: number): string => `Conformance Test (${i + 1})._boaster-conf._tcp.local`;
    const early = denialsAt.map((at, i) => probe(at, names(i)));
    const limited = probeDenial.judge({
      'probe-denial': run(
        'probe-denial',
        [...early, probe(T + 3000 + 5000, names(15)), probe(T + 3000 + 10_000, names(16))],
        reacts,
      ),
    });
    expect(limited.status, limited.detail).toBe('PASS');
    const storm = probeDenial.judge({
      'probe-denial': run('probe-denial', [...early, probe(T + 3000, names(15)), probe(T + 3200, names(16))], reacts),
    });
    expect(storm.status).toBe('FAIL');
    expect(storm.detail).toMatch(/ms apart \(§8\.1/);
  });

  it('a scenario that did not run is an ERROR, never a PASS', () => {
    expect(chattiness.judge({}).status).toBe('ERROR');
    expect(probeDenial.judge({}).status).toBe('ERROR');
  });
});
