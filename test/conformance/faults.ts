/**
 * Deliberate faults for boaster, to show the conformance suite catches them
 * (issue 5). Test-only: a Transport wrapper the conformance driver puts
 * between boaster's engine and its real UdpTransport when
 * `BOASTER_CONF_FAULTS` lists faults. Shipped code is untouched.
 *
 * Each fault breaks one rule and the case named beside it must FAIL.
 */
import { EventEmitter } from 'eventemitter3';
import { FLAG_RESPONSE } from '../../src/constants.js';
import type { NetworkInterface } from '../../src/transport/interfaces.js';
import type {
  ReceivedPacket,
  SendTarget,
  Transport,
  TransportEvents,
  TransportStats,
} from '../../src/transport/transport.js';
import { decodePacket } from '../../src/wire/decode.js';
import { encodePacket } from '../../src/wire/encode.js';
import type { Packet } from '../../src/wire/model.js';

/** Fault → the case it must make FAIL, and what that case must say. */
export const FAULTS = {
  /** Every third probe of each stream is not sent (two probes per attempt). */
  'probe-two': { case: 'probing', says: /probe\(s\), need 3|interval/ },
  /** Responses go out without the cache-flush bit. */
  'no-cache-flush': { case: 'announcements', says: /cache-flush bit missing/ },
  /** Known answers in queries are ignored. */
  'ignore-known-answers': { case: 'known-answer-suppression', says: /known answer with the full TTL/ },
  /** Legacy unicast replies keep the full TTLs. */
  'legacy-ttl': { case: 'legacy-unicast', says: /TTL > 10/ },
  /** The host's address records are announced again every 5 s. */
  chatty: { case: 'chattiness', says: /while idle/ },
  /** Goodbyes (all records TTL 0) are not sent. */
  'no-goodbye': { case: 'name-change', says: /no goodbye/ },
  /** Names are compared case-sensitively: questions, probes and answers in another letter case are not seen as ours. */
  'case-sensitive': { case: 'case-insensitivity', says: /swapped letter case|upper-case probe/ },
  /** Every response is held back 800 ms. */
  'slow-replies': { case: 'unique-reply-timing', says: /> 750 ms|unanswered/ },
} as const;

export type FaultName = keyof typeof FAULTS;

export function isFault(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

const CHATTY_INTERVAL_MS = 5000;
const SLOW_MS = 800;

/** A Transport that passes everything through `inner`, breaking the rules `faults` name. */
export class FaultyTransport extends EventEmitter<TransportEvents> implements Transport {
  /** Probes sent, per interface, family and first question. */
  private readonly probes = new Map<string, number>();
  private hostAnnouncement: { data: Uint8Array; target: SendTarget }[] = [];
  private chattyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: Transport,
    private readonly faults: ReadonlySet<FaultName>,
    /** Exact names boaster owns, for the case-sensitive fault. */
    private readonly ownNames: () => readonly string[],
  ) {
    super();
    for (const event of ['interfaceUp', 'interfaceDown', 'addressAdded', 'addressRemoved', 'error'] as const) {
      inner.on(event, (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args));
    }
    inner.on('packet', (p) => {
      const out = this.incoming(p);
      if (out) this.emit('packet', out);
    });
  }

  get interfaces(): readonly NetworkInterface[] {
    return this.inner.interfaces;
  }

  get stats(): Readonly<TransportStats> {
    return this.inner.stats;
  }

  async start(): Promise<void> {
    await this.inner.start();
    if (this.faults.has('chatty')) {
      this.chattyTimer = setInterval(() => {
        for (const s of this.hostAnnouncement) void this.inner.send(s.data, s.target).catch(() => undefined);
      }, CHATTY_INTERVAL_MS);
    }
  }

  refresh(): Promise<void> {
    return this.inner.refresh();
  }

  async close(): Promise<void> {
    clearInterval(this.chattyTimer);
    await this.inner.close();
  }

  async send(data: Uint8Array, target: SendTarget): Promise<void> {
    const packet = decodePacket(data);
    const response = (packet.flags & FLAG_RESPONSE) !== 0;
    if (!response && packet.authorities.length > 0 && this.faults.has('probe-two')) {
      const stream = `${target.interface}/${target.family}/${packet.questions[0]?.name ?? ''}`;
      const n = (this.probes.get(stream) ?? 0) + 1;
      this.probes.set(stream, n);
      if (n % 3 === 0) return;
    }
    let out: Packet = packet;
    if (response && this.faults.has('no-cache-flush')) {
      const strip = (rs: Packet['answers']): Packet['answers'] => rs.map((r) => ({ ...r, cacheFlush: false }));
      out = { ...out, answers: strip(out.answers), additionals: strip(out.additionals) };
    }
    if (response && this.faults.has('legacy-ttl') && target.port !== undefined && target.port !== 5353) {
      const full = (rs: Packet['answers']): Packet['answers'] =>
        rs.map((r) => (r.type === 'OPT' ? r : { ...r, ttl: 120 }));
      out = { ...out, answers: full(out.answers), additionals: full(out.additionals) };
    }
    if (response && this.faults.has('no-goodbye') && out.answers.length > 0 && out.answers.every((r) => r.ttl === 0))
      return;
    const bytes = out === packet ? data : encodePacket(out);
    // An announcement carrying the host's address records (boaster packs the host and the
    // services that probed with it into one): what `chatty` repeats.
    const announcesHost =
      out.answers.length > 0 &&
      out.answers.every((r) => r.ttl > 0) &&
      out.answers.some((r) => r.type === 'A' || r.type === 'AAAA');
    if (response && target.address === undefined && out.questions.length === 0 && announcesHost) {
      this.hostAnnouncement = [
        ...this.hostAnnouncement.filter(
          (s) => s.target.interface !== target.interface || s.target.family !== target.family,
        ),
        { data: bytes, target },
      ];
    }
    if (response && this.faults.has('slow-replies')) await new Promise((r) => setTimeout(r, SLOW_MS));
    await this.inner.send(bytes, target);
  }

  private incoming(p: ReceivedPacket): ReceivedPacket | undefined {
    if (!this.faults.has('ignore-known-answers') && !this.faults.has('case-sensitive')) return p;
    let packet: Packet;
    try {
      packet = decodePacket(p.data);
    } catch {
      return p;
    }
    const response = (packet.flags & FLAG_RESPONSE) !== 0;
    let out = packet;
    if (!response && this.faults.has('ignore-known-answers')) out = { ...out, answers: [] };
    if (this.faults.has('case-sensitive')) {
      const exact = new Set(this.ownNames());
      const folded = new Set([...exact].map((n) => n.toLowerCase()));
      // A name that is ours but in another letter case is taken for a stranger's.
      const blind = (name: string): boolean => !exact.has(name) && folded.has(name.toLowerCase());
      out = {
        ...out,
        questions: out.questions.filter((q) => !blind(q.name)),
        answers: out.answers.filter((r) => !blind(r.name)),
        authorities: out.authorities.filter((r) => !blind(r.name)),
      };
      if (out.questions.length === 0 && out.answers.length === 0) return undefined;
    }
    return out === packet ? p : { ...p, data: encodePacket(out) };
  }
}
