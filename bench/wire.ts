/**
 * Wire codec benchmark: boaster's encoder and decoder against dns-packet (the
 * codec multicast-dns, bonjour-service and others use), on real captured
 * packets and on a large synthetic response.
 *
 * `npm run bench:wire` prints a table and writes bench/results/wire.json and
 * bench/results/wire.md, with the machine described. Each figure is the
 * median of several timed rounds after a warm-up; every loop is bounded.
 * `--quick` (the comparison benchmark's smoke slice) times 3 rounds of 50 ms
 * and only prints.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { decodePacket } from '../src/wire/decode.js';
import { encodePacket } from '../src/wire/encode.js';
import type { PacketInput, ResourceRecord } from '../src/wire/model.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'test', 'fixtures', 'packets');
const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 7;
const ROUND_MS = QUICK ? 50 : 250;
const MAX_ITERATIONS_PER_ROUND = 2_000_000;

/** Operations per second of `fn`: median over rounds, each bounded in time and count. */
function opsPerSecond(fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(ROUND_MS * 1e6);
    let n = 0;
    let now = start;
    while (now < deadline && n < MAX_ITERATIONS_PER_ROUND) {
      for (let k = 0; k < 100; k++) fn();
      n += 100;
      now = process.hrtime.bigint();
    }
    rates.push(n / (Number(now - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

function syntheticResponse(count: number): PacketInput {
  const answers: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const instance = `Device ${i} on rack ${i % 7}._http._tcp.local`;
    answers.push({ name: '_http._tcp.local', type: 'PTR', ttl: 4500, data: instance });
    answers.push({
      name: instance,
      type: 'SRV',
      ttl: 120,
      cacheFlush: true,
      data: { priority: 0, weight: 0, port: 8000 + i, target: `host-${i % 7}.local` },
    });
  }
  return { flags: 0x8400, answers };
}

interface Row {
  input: string;
  bytes: number;
  boasterBytes: number;
  dnsPacketBytes: number;
  decodeBoaster: number;
  decodeDnsPacket: number;
  encodeBoaster: number;
  encodeDnsPacket: number;
}

function measure(input: string, wire: Buffer): Row {
  const ours = decodePacket(wire);
  const theirs = dnsPacket.decode(wire);
  return {
    input,
    bytes: wire.length,
    boasterBytes: encodePacket(ours).length,
    dnsPacketBytes: dnsPacket.encode(theirs).length,
    decodeBoaster: opsPerSecond(() => decodePacket(wire)),
    decodeDnsPacket: opsPerSecond(() => dnsPacket.decode(wire)),
    encodeBoaster: opsPerSecond(() => encodePacket(ours)),
    encodeDnsPacket: opsPerSecond(() => dnsPacket.encode(theirs)),
  };
}

/** Hostile: a 9000-byte packet of questions all pointing at one 255-byte name of 127 labels. */
function pointerFlood(): Buffer {
  const long = [...new Array<number[]>(127).fill([1, 1]).flat(), 0];
  const count = Math.floor((9000 - 12 - long.length - 4) / 6);
  const bytes = [0, 0, 0, 0, (count + 1) >> 8, (count + 1) & 0xff, 0, 0, 0, 0, 0, 0, ...long, 0, 1, 0, 1];
  for (let i = 0; i < count; i++) bytes.push(0xc0, 12, 0, 1, 0, 1);
  return Buffer.from(bytes);
}

const inputs: [string, Buffer][] = [
  ['avahi announcement (captured)', readFileSync(join(fixtures, 'avahi-announcement.bin'))],
  ['zeroconf announcement (captured)', readFileSync(join(fixtures, 'zeroconf-announcement.bin'))],
  ['synthetic: 30 PTR+SRV pairs', encodePacket(syntheticResponse(30))],
  ['hostile: 9000-byte pointer flood', pointerFlood()],
];

const rows = inputs.map(([name, wire]) => measure(name, wire));
const cpus = os.cpus();
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
const k = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const lines = [
  '# Wire codec benchmark',
  '',
  `${machine.date} · Node ${machine.node} · ${machine.platform} · ${machine.cpu} · ${machine.memoryGiB} GiB`,
  '',
  `Operations per second (median of ${ROUNDS} rounds of ${ROUND_MS} ms); sizes in bytes when each codec re-encodes the packet.`,
  '',
  '| input | input bytes | boaster size | dns-packet size | decode boaster | decode dns-packet | encode boaster | encode dns-packet |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.input} | ${r.bytes} | ${r.boasterBytes} | ${r.dnsPacketBytes} | ${k(r.decodeBoaster)} | ${k(r.decodeDnsPacket)} | ${k(r.encodeBoaster)} | ${k(r.encodeDnsPacket)} |`,
  ),
  '',
  'Command: `npm run bench:wire`.',
  '',
];
if (!QUICK) {
  const out = join(here, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'wire.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  writeFileSync(join(out, 'wire.md'), lines.join('\n'));
}
console.log(lines.join('\n'));
