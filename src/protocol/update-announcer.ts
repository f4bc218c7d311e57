/**
 * Announcing a change (RFC 6762 §8.4): when records of an announced
 * registration change (a new TXT, port or host name), the changed records
 * are multicast like a first announcement — at once, then 1 s and 3 s later
 * (§8.3) — and only those: §8.4 asks to announce the change, not everything.
 *
 * Changes that arrive while an announcement is waiting join it, and a
 * registration's update goes out at most once a second (§6.2) carrying the
 * latest data: a storm of `updateTxt()` calls is one packet a second, not
 * one per call.
 */
import { ANNOUNCE_COUNT, ANNOUNCE_INTERVAL_MS, MULTICAST_RATE_LIMIT_MS } from '../constants.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Registration } from './registration.js';

/** Record types that changed, or every record. */
export type ChangedTypes = ReadonlySet<string> | 'all';

/** One registration's pending update. */
interface Update {
  types: Set<string> | 'all';
  /** Announcements of the current change already sent. */
  sent: number;
  timer: TimerHandle | undefined;
  lastSentAt: number;
}

/** Schedules update announcements per registration. */
export class UpdateAnnouncer {
  private readonly updates = new Map<Registration, Update>();

  constructor(
    private readonly clock: Clock,
    /** Multicast the current records of these types on every interface. */
    private readonly send: (registration: Registration, types: ChangedTypes) => void,
  ) {}

  /** Records of `types` of `registration` changed. */
  change(registration: Registration, types: ChangedTypes): void {
    const update = this.updates.get(registration) ?? {
      types: new Set<string>(),
      sent: 0,
      timer: undefined,
      lastSentAt: -Infinity,
    };
    this.updates.set(registration, update);
    if (types === 'all' || update.types === 'all') update.types = 'all';
    else for (const type of types) update.types.add(type);
    update.sent = 0;
    update.timer?.cancel();
    const wait = Math.max(0, update.lastSentAt + MULTICAST_RATE_LIMIT_MS - this.clock.now());
    update.timer = this.clock.setTimeout(() => this.fire(registration, update), wait);
  }

  private fire(registration: Registration, update: Update): void {
    update.timer = undefined;
    update.lastSentAt = this.clock.now();
    update.sent++;
    const types = update.types;
    if (update.sent < ANNOUNCE_COUNT) {
      update.timer = this.clock.setTimeout(
        () => this.fire(registration, update),
        ANNOUNCE_INTERVAL_MS * 2 ** (update.sent - 1),
      );
    } else {
      update.types = new Set();
    }
    this.send(registration, types);
  }

  /** Forget `registration`'s update (it is probing again, or gone). */
  cancel(registration: Registration): void {
    this.updates.get(registration)?.timer?.cancel();
    this.updates.delete(registration);
  }

  /** Cancel everything. */
  clear(): void {
    for (const update of this.updates.values()) update.timer?.cancel();
    this.updates.clear();
  }
}
