/** Helpers of the scale worker: deterministic inputs and the bookkeeping of sent packets. */
import type { SentPacket } from '../../src/transport/fake-transport.js';
import { decodePacket } from '../../src/wire/decode.js';
import type { Packet } from '../../src/wire/model.js';
import { payloadBudget } from '../../src/wire/split.js';
import type { Round } from './result.js';

/** The manual clock's origin (any fixed time far from 0). */
export const T0 = 1_700_000_000_000;
/** Payload budget per family at MTU 1500: 1472 (IPv4), 1452 (IPv6). */
export const BUDGET = { 4: payloadBudget(1500, 4), 6: payloadBudget(1500, 6) } as const;

/** mulberry32: a seeded random, so every run probes and answers on the same schedule. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 16 hex characters, different for each i (the TXT `hwid`). */
export function hwid(i: number): string {
  return `${(Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`;
}

/** A sent packet without its bytes. */
export interface Light {
  at: number;
  family: 4 | 6;
  size: number;
  response: boolean;
  unicast: boolean;
}

export function light(p: SentPacket): Light {
  return {
    at: p.at - T0,
    family: p.target.family,
    size: p.data.length,
    response: ((p.data[2] ?? 0) & 0x80) !== 0,
    unicast: p.target.address !== undefined,
  };
}

export function rounds(packets: readonly Light[]): Round[] {
  const byTime = new Map<number, Round>();
  for (const p of packets) {
    let r = byTime.get(p.at);
    if (!r) {
      r = { at: p.at, packets: 0, v4: 0, v6: 0, largest: 0 };
      byTime.set(p.at, r);
    }
    r.packets++;
    if (p.family === 4) r.v4++;
    else r.v6++;
    r.largest = Math.max(r.largest, p.size);
  }
  return [...byTime.values()].sort((a, b) => a.at - b.at);
}

export const overBudget = (packets: readonly Light[]): number =>
  packets.filter((p) => p.size > BUDGET[p.family]).length;
export const decodeAll = (packets: readonly SentPacket[]): { family: 4 | 6; packet: Packet }[] =>
  packets.map((p) => ({ family: p.target.family, packet: decodePacket(p.data) }));
export const lower = (s: string): string => s.toLowerCase();
