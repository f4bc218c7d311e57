/**
 * Bytes of unicast replies per destination, bounded (RFC 6762 §6.7, §5.4;
 * the on-link side of avahi CVE-2017-6519). A unicast reply goes to whatever
 * source address a query carried, and on the link that address can be
 * spoofed: without a bound, one host could aim our answers at another.
 *
 * Within each one-second window a source may receive at most
 * {@link UNICAST_REPLY_BASE_BYTES_PER_SECOND} plus
 * {@link UNICAST_REPLY_AMPLIFICATION_LIMIT} times the bytes it sent us in
 * that window. A querier asking fast for small answers is never held back
 * (its replies are a small multiple of its queries); a spoofed stream of
 * small queries for large answers gets a few full packets a second. At most
 * {@link UNICAST_REPLY_SOURCES_TRACKED} sources are tracked; the one unseen
 * longest is forgotten first.
 */
import {
  UNICAST_REPLY_AMPLIFICATION_LIMIT,
  UNICAST_REPLY_BASE_BYTES_PER_SECOND,
  UNICAST_REPLY_SOURCES_TRACKED,
  UNICAST_REPLY_WINDOW_MS,
} from '../constants.js';

/** One source's window. */
interface Window {
  startedAt: number;
  received: number;
  sent: number;
}

/** Per-destination byte budget of unicast replies. */
export class ReplyBudget {
  private readonly windows = new Map<string, Window>();
  /** Replies refused for want of budget. */
  refused = 0;

  constructor(private readonly now: () => number) {}

  private window(source: string): Window {
    const now = this.now();
    let w = this.windows.get(source);
    if (w) this.windows.delete(source); // re-insert at the end: Map order is recency order
    if (!w || now - w.startedAt >= UNICAST_REPLY_WINDOW_MS) w = { startedAt: now, received: 0, sent: 0 };
    this.windows.set(source, w);
    while (this.windows.size > UNICAST_REPLY_SOURCES_TRACKED)
      this.windows.delete(this.windows.keys().next().value as string);
    return w;
  }

  /** `source` sent us a query of `bytes`. */
  received(source: string, bytes: number): void {
    this.window(source).received += bytes;
  }

  /** Bytes `source` may still receive in this window. */
  remaining(source: string): number {
    const w = this.window(source);
    return UNICAST_REPLY_BASE_BYTES_PER_SECOND + UNICAST_REPLY_AMPLIFICATION_LIMIT * w.received - w.sent;
  }

  /** Whether `bytes` more may go to `source` now; if so they are counted as sent. */
  take(source: string, bytes: number): boolean {
    const w = this.window(source);
    const allowance = UNICAST_REPLY_BASE_BYTES_PER_SECOND + UNICAST_REPLY_AMPLIFICATION_LIMIT * w.received;
    if (w.sent + bytes > allowance) {
      this.refused++;
      return false;
    }
    w.sent += bytes;
    return true;
  }
}
