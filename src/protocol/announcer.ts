/**
 * Announcing (RFC 6762 §8.3): registrations that finished probing together
 * announce together — at once, then 1 s and 3 s later — on one timer, their
 * records packed into as few packets as fit. A member withdrawn or sent back
 * to probing leaves its batch; a batch left empty stops, so no timer is left
 * once announcing is over. Members are announced once a round of theirs
 * reached the network (a packet sent); when none of the rounds did, they
 * failed, and the engine says so rather than report them announced.
 */
import { ANNOUNCE_COUNT, ANNOUNCE_INTERVAL_MS } from '../constants.js';
import type { Clock } from './clock.js';
import type { AnnounceBatch, Registration } from './registration.js';

/** What the announcer asks of the engine. */
export interface AnnouncerActions {
  /** Multicast every record of these registrations, packed; resolves with the packets sent. */
  send(members: readonly Registration[]): Promise<number>;
  /** The first announcement of these that reached the network went out: they are announced now (those still announcing). */
  announced(members: readonly Registration[]): void;
  /** Every round went out on no interface (nothing was sent): they were never announced. */
  failed(members: readonly Registration[]): void;
  /** Let `work` run on, reporting a failure. */
  background(work: Promise<unknown>): void;
}

/** Runs announcement batches. */
export class Announcer {
  constructor(
    private readonly clock: Clock,
    private readonly actions: AnnouncerActions,
  ) {}

  /** Announce `members` together; resolves when the first announcement is sent. */
  start(members: readonly Registration[]): Promise<void> {
    const batch: AnnounceBatch = { members: new Set(), timer: undefined, reached: false };
    for (const member of members) {
      this.leave(member);
      member.life.batch = batch;
      batch.members.add(member);
    }
    // The first goes right away: probing is over now.
    return this.round(batch, 0);
  }

  private async round(batch: AnnounceBatch, i: number): Promise<void> {
    batch.timer = undefined;
    const live = [...batch.members];
    if (live.length === 0) return;
    if (i + 1 < ANNOUNCE_COUNT) {
      batch.timer = this.clock.setTimeout(
        () => this.actions.background(this.round(batch, i + 1)),
        ANNOUNCE_INTERVAL_MS * 2 ** i,
      );
    } else {
      for (const member of live) this.leave(member);
    }
    const sent = await this.actions.send(live);
    if (sent > 0 && !batch.reached) {
      batch.reached = true;
      this.actions.announced(live);
    } else if (!batch.reached && i + 1 >= ANNOUNCE_COUNT) {
      this.actions.failed(live);
    }
  }

  /** Take `registration` out of its batch; a batch left empty stops. */
  leave(registration: Registration): void {
    const batch = registration.life.batch;
    if (!batch) return;
    registration.life.batch = undefined;
    batch.members.delete(registration);
    if (batch.members.size === 0) {
      batch.timer?.cancel();
      batch.timer = undefined;
    }
  }
}
