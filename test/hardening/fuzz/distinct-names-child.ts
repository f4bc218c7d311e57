/**
 * A flood of distinct names, questions and sources through the in-process
 * stack (stack.ts: responder, two browsers, the querier's cache), with the
 * memory measured along the way — the child of
 * test/hardening/distinct-names.test.ts, run with `--expose-gc` so the heap
 * is measured after a full collection.
 *
 * Three streams, interleaved, every name never seen before:
 * - responses from on-link peers announcing 8 new `_http._tcp` instances
 *   each (PTR, SRV to a new host): the cache (bounded, RFC 6762 §10), the
 *   browser's instances and the querier's interests in them;
 * - queries for 4 new names each from a new link-local source: the
 *   responder, the unicast reply budget per source, the transport's
 *   source-check cache;
 * - TC queries (RFC 6762 §7.2) for one of our PTRs from a new source, QU and QM:
 *   delayed unicast replies and the known-answer wait's requesters.
 * Time advances 1 ms every 10 packets (10,000 packets/s of simulated link).
 *
 * `node --expose-gc --import tsx distinct-names-child.ts --names N --every M`
 * writes a JSON line per sample (every M names): names, packets, heap (MiB,
 * after gc), RSS (MiB), records cached, instances the browser holds; and a
 * last line with the totals.
 */
import { parseArgs } from 'node:util';
import { encodePacket } from '../../../src/wire/encode.js';
import { buildStack } from './stack.js';

const { values } = parseArgs({ options: { names: { type: 'string' }, every: { type: 'string' } } });
const total = Number(values.names ?? 1_000_000);
const every = Number(values.every ?? 50_000);
const gc = (globalThis as { gc?: () => void }).gc;

const stack = await buildStack({ seed: 7 });
/** The browsed type the responses flood with instances. */
const browsedType = '_http._tcp.local';
/**
 * The type the TC queries ask for: ours too, but not the flooded one —
 * asking for that costs the querier work per cached instance on every
 * query (a CPU matter, measured apart, not memory).
 */
const askedType = '_ipp._tcp.local';

/** A distinct link-local source for packet `i`. */
function source(i: number): string {
  return `fe80::${((i >>> 16) & 0xffff).toString(16)}:${(i & 0xffff).toString(16)}`;
}

/** Distinct names a response announces (PTR and SRV each), a query asks, a TC query asks. */
const PER_RESPONSE = 8;
const PER_QUERY = 4;

/** Packet `i` of the stream, naming the names `first`, `first + 1`, …; with how many it named. */
function packet(i: number, first: number): { data: Uint8Array; address: string; family: 4 | 6; names: number } {
  switch (i % 3) {
    case 0: {
      const answers = Array.from({ length: PER_RESPONSE }, (_, k) => {
        const n = first + k;
        const instance = `n${n}.${browsedType}`;
        return [
          { name: browsedType, type: 'PTR' as const, class: 1, ttl: 4500, data: instance },
          {
            name: instance,
            type: 'SRV' as const,
            class: 1,
            cacheFlush: true,
            ttl: 120,
            data: { priority: 0, weight: 0, port: 80, target: `h${n}.local` },
          },
        ];
      }).flat();
      return {
        data: encodePacket({ id: 0, flags: 0x8400, answers }),
        address: `192.0.2.${20 + (i % 200)}`,
        family: 4,
        names: PER_RESPONSE,
      };
    }
    case 1: {
      const questions = Array.from({ length: PER_QUERY }, (_, k) => ({
        name: `q${first + k}.local`,
        type: 'A' as const,
        class: 1,
        unicastResponse: i % 2 === 0,
      }));
      return { data: encodePacket({ id: 0, flags: 0, questions }), address: source(i), family: 6, names: PER_QUERY };
    }
    default:
      return {
        data: encodePacket({
          id: 0,
          flags: 0x0200,
          questions: [{ name: askedType, type: 'PTR', class: 1, unicastResponse: i % 4 === 2 }],
        }),
        address: source(i),
        family: 6,
        names: 1,
      };
  }
}

function sample(names: number, packets: number): void {
  gc?.();
  const m = process.memoryUsage();
  const line = {
    names,
    packets,
    heapMiB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10,
    rssMiB: Math.round((m.rss / 2 ** 20) * 10) / 10,
    cached: stack.mdns.core.cache.stats.records,
    browsed: stack.browsers[0]?.services.length ?? 0,
    gc: gc !== undefined,
  };
  process.stdout.write(`${JSON.stringify({ sample: line })}\n`);
}

const started = performance.now();
sample(0, 0);
let names = 0;
let packets = 0;
let nextSample = every;
while (names < total) {
  const { data, address, family, names: named } = packet(packets, names);
  stack.front.deliver(data, { family, source: { address, port: 5353 }, destination: 'multicast' });
  names += named;
  packets++;
  if (packets % 10 === 0) await stack.clock.advance(1);
  if (names >= nextSample) {
    nextSample += every;
    stack.transport.sent.length = 0;
    sample(names, packets);
  }
}
stack.transport.sent.length = 0;
await stack.mdns.close();
process.stdout.write(
  `${JSON.stringify({ done: { names, packets, sources: packets - Math.ceil(packets / 3), wallMs: Math.round(performance.now() - started), errors: Object.fromEntries(stack.errors) } })}\n`,
);
