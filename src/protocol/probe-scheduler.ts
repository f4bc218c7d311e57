/**
 * When probes go out (RFC 6762 §8.1): a random 0–250 ms wait, then three
 * probes 250 ms apart (each timed from the one before, so a loop running
 * late never bunches them), then the end of probing. Registrations that start
 * before a group's first probe went out join that group, so the host and
 * its services probe in one packet; a deferred restart (tiebreak loss, rate
 * limit) probes in a group of its own.
 */
import { PROBE_COUNT, PROBE_INTERVAL_MS, PROBE_WAIT_MAX_MS } from '../constants.js';
import type { Clock, Random, TimerHandle } from './clock.js';
import type { Registration } from './registration.js';

/** Registrations probing on one schedule. */
interface ProbeGroup {
  members: Set<Registration>;
  /** Probes sent so far. */
  sent: number;
  timers: TimerHandle[];
}

/** What the scheduler asks of the engine. */
export interface ProbeActions {
  /** Send one probe for these registrations, together. */
  probe(members: readonly Registration[]): void;
  /** Probing is over for these registrations, without conflict. */
  done(members: readonly Registration[]): void;
}

/** Schedules probes for groups of registrations. */
export class ProbeScheduler {
  private readonly groupOf = new Map<Registration, ProbeGroup>();
  /** The group new registrations join until its first probe goes out. */
  private open: ProbeGroup | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly actions: ProbeActions,
  ) {}

  /** Start probing `registration`, after `delay` ms if given (alone), else with the open group or a new one. */
  start(registration: Registration, delay?: number): void {
    this.leave(registration);
    if (delay === undefined && this.open && this.open.sent === 0) {
      this.open.members.add(registration);
      this.groupOf.set(registration, this.open);
      return;
    }
    const group: ProbeGroup = { members: new Set([registration]), sent: 0, timers: [] };
    this.groupOf.set(registration, group);
    if (delay === undefined) this.open = group;
    const start = delay ?? this.random() * PROBE_WAIT_MAX_MS;
    // Each step is scheduled from the one before, when it ran: a loop running
    // late delays the rest too, and the probes stay 250 ms apart.
    const step = (): void => {
      group.timers = [];
      if (group.sent === PROBE_COUNT) {
        const members = [...group.members];
        group.members.clear();
        for (const member of members) this.groupOf.delete(member);
        this.actions.done(members);
        return;
      }
      group.sent++;
      if (this.open === group) this.open = undefined;
      group.timers.push(this.clock.setTimeout(step, PROBE_INTERVAL_MS));
      this.actions.probe([...group.members]);
    };
    group.timers.push(this.clock.setTimeout(step, start));
  }

  /** Stop probing `registration`; a group left empty is cancelled. */
  leave(registration: Registration): void {
    const group = this.groupOf.get(registration);
    if (!group) return;
    this.groupOf.delete(registration);
    group.members.delete(registration);
    if (group.members.size === 0) {
      group.timers.forEach((t) => t.cancel());
      if (this.open === group) this.open = undefined;
    }
  }

  /** Cancel everything. */
  clear(): void {
    for (const group of new Set(this.groupOf.values())) group.timers.forEach((t) => t.cancel());
    this.groupOf.clear();
    this.open = undefined;
  }
}
