/**
 * Reads the capture of one browse-lab run (dumpcap on the bridge, every UDP
 * datagram to or from port 5353): what a browser on h0 sent, and what the
 * publisher on h1 sent back, in a window of epoch ms (the capture's clock is
 * the one Date.now() and Python's time.time() read).
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { CapturedDatagram } from '../../test/lab/capture.js';

/** Packets closer than this belong to one burst. */
const BURST_GAP_MS = 100;

export interface Burst {
  /** Start, ms after the window's origin. */
  readonly atMs: number;
  readonly packets: number;
  readonly bytes: number;
  readonly questions: number;
  readonly knownAnswers: number;
  /** First to last packet of the burst (ms). */
  readonly spanMs: number;
}

/** What one host sent in a window. */
export interface Traffic {
  readonly packets: number;
  /** UDP payload bytes (the DNS messages; add 28 a packet for IPv4 + UDP headers). */
  readonly bytes: number;
  readonly queries: number;
  readonly responses: number;
  /** Questions asked, by type. */
  readonly questions: Readonly<Record<string, number>>;
  readonly questionTotal: number;
  /** Questions with the unicast-response (QU) bit. */
  readonly quQuestions: number;
  /** Records in the answer section of queries: known answers (RFC 6762 §7.1). */
  readonly knownAnswers: number;
  /** Queries with the TC bit (known answers continued in another packet, §7.2). */
  readonly truncatedQueries: number;
  /** Records in responses (answers + additionals). */
  readonly responseRecords: number;
  readonly largestBytes: number;
  readonly undecodable: number;
  /** Bursts of packets (gaps over 100 ms split them), at most 12. */
  readonly bursts: readonly Burst[];
  readonly burstCount: number;
  /** First packet (epoch ms), or null. */
  readonly firstAt: number | null;
  /** Last packet (epoch ms), or null. */
  readonly lastAt: number | null;
  /** Packets to a unicast address (QU or legacy replies). */
  readonly unicast: number;
}

const FLAG_TC = 0x200;

function decode(payload: Buffer): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(payload);
  } catch {
    return undefined;
  }
}

/** The QU bit: dns-packet leaves a class of 0x8001 as the string `UNKNOWN_32769`. */
function isQu(q: { class?: string | number }): boolean {
  return String(q.class ?? '') === 'UNKNOWN_32769';
}

/** Everything `src` sent in [from, to] (epoch ms); burst times count from `origin`. */
export function traffic(
  datagrams: readonly CapturedDatagram[],
  src: string,
  from: number,
  to: number,
  origin = from,
): Traffic {
  const list = datagrams.filter((d) => d.src === src && d.at >= from && d.at <= to);
  const questions: Record<string, number> = {};
  let queries = 0;
  let responses = 0;
  let qu = 0;
  let known = 0;
  let tc = 0;
  let responseRecords = 0;
  let undecodable = 0;
  let questionTotal = 0;
  const bursts: {
    start: number;
    end: number;
    packets: number;
    bytes: number;
    questions: number;
    knownAnswers: number;
  }[] = [];
  for (const d of list) {
    const m = decode(d.payload);
    let nq = 0;
    let nk = 0;
    if (!m) undecodable += 1;
    else if (m.type === 'query') {
      queries += 1;
      for (const q of m.questions ?? []) {
        questions[q.type] = (questions[q.type] ?? 0) + 1;
        if (isQu(q as { class?: string })) qu += 1;
      }
      nq = m.questions?.length ?? 0;
      nk = m.answers?.length ?? 0;
      questionTotal += nq;
      known += nk;
      if (((m.flags ?? 0) & FLAG_TC) !== 0) tc += 1;
    } else {
      responses += 1;
      responseRecords += (m.answers?.length ?? 0) + (m.additionals?.length ?? 0);
    }
    const last = bursts[bursts.length - 1];
    if (last && d.at - last.end <= BURST_GAP_MS) {
      last.end = d.at;
      last.packets += 1;
      last.bytes += d.payload.length;
      last.questions += nq;
      last.knownAnswers += nk;
    } else {
      bursts.push({ start: d.at, end: d.at, packets: 1, bytes: d.payload.length, questions: nq, knownAnswers: nk });
    }
  }
  return {
    packets: list.length,
    bytes: list.reduce((s, d) => s + d.payload.length, 0),
    queries,
    responses,
    questions,
    questionTotal,
    quQuestions: qu,
    knownAnswers: known,
    truncatedQueries: tc,
    responseRecords,
    largestBytes: Math.max(0, ...list.map((d) => d.payload.length)),
    undecodable,
    bursts: bursts.slice(0, 12).map((b) => ({
      atMs: b.start - origin,
      packets: b.packets,
      bytes: b.bytes,
      questions: b.questions,
      knownAnswers: b.knownAnswers,
      spanMs: b.end - b.start,
    })),
    burstCount: bursts.length,
    firstAt: list[0]?.at ?? null,
    lastAt: list[list.length - 1]?.at ?? null,
    unicast: list.filter((d) => !d.dst.startsWith('224.')).length,
  };
}

/** "PTR 2, SRV 1000, …" in a fixed order. */
export function questionsText(q: Readonly<Record<string, number>>): string {
  const order = ['PTR', 'SRV', 'TXT', 'A', 'AAAA', 'ANY'];
  const keys = [
    ...order.filter((k) => q[k] !== undefined),
    ...Object.keys(q)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  return keys.length === 0 ? 'none' : keys.map((k) => `${k} ${(q[k] ?? 0).toLocaleString('en-US')}`).join(', ');
}
