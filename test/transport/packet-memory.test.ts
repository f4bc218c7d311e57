import { describe, expect, it } from 'vitest';
import { OWN_PACKET_MEMORY_ENTRIES, OWN_PACKET_MEMORY_MS } from '../../src/constants.js';
import { PacketMemory, packetDigest } from '../../src/transport/packet-memory.js';

describe('packet memory', () => {
  it('digests differ for different packets and agree for equal ones', () => {
    expect(packetDigest(Uint8Array.of(1, 2, 3))).toBe(packetDigest(Uint8Array.of(1, 2, 3)));
    expect(packetDigest(Uint8Array.of(1, 2, 3))).not.toBe(packetDigest(Uint8Array.of(1, 2, 4)));
    expect(packetDigest(Uint8Array.of(0))).not.toBe(packetDigest(Uint8Array.of(0, 0)));
  });

  it('forgets keys after the window', () => {
    let now = 1000;
    const memory = new PacketMemory(100, 10, () => now);
    memory.remember('a');
    now += 99;
    expect(memory.has('a')).toBe(true);
    now += 1;
    expect(memory.has('a')).toBe(false);
  });

  it('check() answers whether a key repeats within the window', () => {
    let now = 0;
    const memory = new PacketMemory(100, 10, () => now);
    expect(memory.check('x')).toBe(false);
    expect(memory.check('x')).toBe(true);
    now = 150;
    expect(memory.check('x')).toBe(false);
  });

  it('holds at most maxEntries, dropping the oldest, however much is sent', () => {
    let now = 0;
    const memory = new PacketMemory(60_000, 64, () => now);
    for (let i = 0; i < 100_000; i++) {
      memory.remember(`packet ${i}`);
      now += 1;
    }
    expect(memory.size).toBe(64);
    expect(memory.has('packet 99999')).toBe(true);
    expect(memory.has('packet 0')).toBe(false);
  });

  it('expired keys are pruned as new ones arrive', () => {
    let now = 0;
    const memory = new PacketMemory(10, 1000, () => now);
    for (let i = 0; i < 500; i++) {
      memory.remember(`k${i}`);
      now += 5;
    }
    expect(memory.size).toBeLessThanOrEqual(3);
  });

  it('issue 10: own packets are recognised after a burst of 5,000 sent, with the loop 3 s late', () => {
    let now = 1000;
    const own = new PacketMemory(OWN_PACKET_MEMORY_MS, OWN_PACKET_MEMORY_ENTRIES, () => now);
    const burst = Array.from({ length: 5000 }, (_, i) => packetDigest(Uint8Array.of(i & 255, i >> 8, 7)));
    for (const digest of burst) own.remember(digest);
    now += 3000;
    expect(burst.filter((digest) => own.has(digest))).toHaveLength(5000);
  });
});
