/**
 * The whole boaster stack in-process, as an application runs it: one
 * `Mdns` on a FakeTransport and a manual clock, a responder publishing
 * three services (one with a subtype) under host `fuzzhost`, and a querier
 * side browsing two types (ours and the captured fixtures') — whatever the
 * fuzz stream does, these keep their state live: cache, known answers,
 * refresh queries, the browser's instances.
 */
import { Mdns } from '../../../src/api/mdns.js';
import type { Browser } from '../../../src/api/browser.js';
import type { Service } from '../../../src/api/responder.js';
import type { BoasterError } from '../../../src/errors.js';
import type { ServiceSpec } from '../../../src/records/service-records.js';
import { FakeTransport, fakeInterface } from '../../../src/transport/fake-transport.js';
import type { ResourceRecord } from '../../../src/wire/model.js';
import { FakeClock } from './fake-clock.js';
import type { OurNames } from './fuzz-packet.js';
import { OUR_V4, OUR_V6 } from './sources.js';
import { TransportFront } from './transport-front.js';
import { Prng } from './prng.js';

/** Fake wall-clock origin (any fixed value far from 0). */
export const CLOCK_START = 1_700_000_000_000;
const ENUMERATION = '_services._dns-sd._udp.local';

/** What the responder publishes. */
export const SPECS: readonly ServiceSpec[] = [
  { name: 'Fuzz Web', type: '_http._tcp', port: 8080, txt: { path: '/', v: '1' } },
  { name: 'Fuzz Printer', type: '_ipp._tcp', port: 631, txt: { note: 'Fuzz Ü', flag: true }, subtypes: ['_printer'] },
  { name: 'Fuzz Node', type: '_boaster._tcp', port: 8443 },
];

/** A published service and what it was published with (its TXT as first announced). */
export interface Published {
  service: Service;
  spec: ServiceSpec;
  txt: readonly Uint8Array[];
}

/** The running stack. */
export interface Stack {
  mdns: Mdns;
  transport: FakeTransport;
  clock: FakeClock;
  front: TransportFront;
  published: readonly Published[];
  browsers: readonly Browser[];
  /** Every error the core reported, by code (INTERNAL: a bug met and caught). */
  errors: Map<string, number>;
  /** The first few INTERNAL errors, with their messages. */
  internal: string[];
  /** Renames of our names (RFC 6762 §9), services and host. */
  renames: string[];
}

/** Our records as published now: built from the specs, the current names and the interface addresses. */
export function expectedRecords(stack: Stack): ResourceRecord[] {
  const host = stack.mdns.responder.hostName;
  const out: ResourceRecord[] = [
    { name: host, type: 'A', class: 1, cacheFlush: true, ttl: 120, data: OUR_V4 },
    { name: host, type: 'AAAA', class: 1, cacheFlush: true, ttl: 120, data: OUR_V6 },
  ];
  for (const { service, spec, txt } of stack.published) {
    const type = `${spec.type}.local`;
    const instance = service.fullName;
    out.push(
      { name: type, type: 'PTR', class: 1, ttl: 4500, data: instance },
      { name: ENUMERATION, type: 'PTR', class: 1, ttl: 4500, data: type },
      {
        name: instance,
        type: 'SRV',
        class: 1,
        cacheFlush: true,
        ttl: 120,
        data: { priority: 0, weight: 0, port: spec.port, target: host },
      },
      { name: instance, type: 'TXT', class: 1, cacheFlush: true, ttl: 4500, data: [...txt] },
    );
    for (const sub of spec.subtypes ?? [])
      out.push({ name: `${sub}._sub.${type}`, type: 'PTR', class: 1, ttl: 4500, data: instance });
  }
  return out;
}

/** Our names and records now, for the generators. */
export function ourNamesOf(stack: Stack): OurNames {
  const records = expectedRecords(stack);
  return {
    instances: stack.published.map((p) => p.service.fullName),
    types: [...new Set(records.filter((r) => r.type === 'PTR').map((r) => r.name))],
    host: stack.mdns.responder.hostName,
    records,
  };
}

/** Build the stack, publish, browse, and run the clock until everything is announced. */
export async function buildStack(options: { seed: number; cacheMaxRecords?: number }): Promise<Stack> {
  const clock = new FakeClock(CLOCK_START);
  const transport = new FakeTransport([fakeInterface()], () => clock.now());
  const jitter = new Prng(options.seed ^ 0x5eed);
  const mdns = new Mdns({
    transport,
    clock,
    random: () => jitter.next(),
    hostName: 'fuzzhost',
    ...(options.cacheMaxRecords !== undefined ? { cache: { maxRecords: options.cacheMaxRecords } } : {}),
  });
  const errors = new Map<string, number>();
  const internal: string[] = [];
  mdns.core.onError((e: BoasterError) => {
    errors.set(e.code, (errors.get(e.code) ?? 0) + 1);
    if (e.code === 'INTERNAL' && internal.length < 10)
      internal.push(`${e.message}\n${e.cause instanceof Error ? e.cause.stack : ''}`);
  });
  // The Mdns re-emits (rate-limited); a listener keeps it from being a process warning.
  mdns.on('error', () => undefined);
  const renames: string[] = [];
  mdns.responder.on('hostRenamed', (from, to) => renames.push(`host ${from} → ${to}`));
  const pending = SPECS.map((spec) => {
    const service = mdns.responder.register(spec);
    service.on('renamed', (from, to) => renames.push(`service ${from} → ${to}`));
    return service;
  });
  const browsers = [mdns.browse('_http._tcp'), mdns.browse('_boaster-fixture._tcp')];
  await clock.advance(5_000);
  const published = pending.map((service, i) => ({
    service,
    spec: SPECS[i] as ServiceSpec,
    txt: service.txtRaw.map((b) => Uint8Array.from(b)),
  }));
  for (const { service } of published)
    if (service.state !== 'announced') throw new Error(`${service.name} is ${service.state}, not announced`);
  return {
    mdns,
    transport,
    clock,
    front: new TransportFront(transport),
    published,
    browsers,
    errors,
    internal,
    renames,
  };
}
