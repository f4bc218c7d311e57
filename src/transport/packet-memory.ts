/**
 * Short-lived memory of packets, bounded in time and in count: used to
 * recognise our own multicast when it loops back, and to drop the second
 * copy of a packet that reached us over two interfaces on one link.
 */

/** A compact digest of a packet: its length and FNV-1a 32-bit hash. */
export function packetDigest(data: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    hash ^= data[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return `${data.length}:${(hash >>> 0).toString(36)}`;
}

/** Keys remembered for `windowMs`, at most `maxEntries` at once (oldest forgotten first). */
export class PacketMemory {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Number of keys held now. */
  get size(): number {
    return this.seen.size;
  }

  /** Remember `key` from now on. */
  remember(key: string): void {
    this.prune();
    this.seen.delete(key); // re-insert at the end: Map order is the expiry order
    this.seen.set(key, this.now() + this.windowMs);
    while (this.seen.size > this.maxEntries) {
      this.seen.delete(this.seen.keys().next().value as string);
    }
  }

  /** Whether `key` was remembered within the window. */
  has(key: string): boolean {
    const expiry = this.seen.get(key);
    return expiry !== undefined && expiry > this.now();
  }

  /** Remember `key`, answering whether it was already there (a repeat). */
  check(key: string): boolean {
    const repeat = this.has(key);
    if (!repeat) this.remember(key);
    return repeat;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(key);
    }
  }
}
