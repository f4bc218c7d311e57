/**
 * The core's one deadline queue: entries in deadline then insertion order,
 * at most one timer armed, none when idle, a throwing entry reported while
 * the rest run, cancelled entries never piling up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/protocol/clock.js';
import { Scheduler } from '../../src/protocol/scheduler.js';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('Scheduler', () => {
  it('runs entries by deadline, ties in insertion order, with one timer armed at most and none when idle', () => {
    const scheduler = new Scheduler(systemClock, (e) => {
      throw e;
    });
    const ran: string[] = [];
    scheduler.setTimeout(() => ran.push('c@30'), 30);
    scheduler.setTimeout(() => ran.push('a@10'), 10);
    scheduler.setTimeout(() => ran.push('b@10'), 10);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual(['a@10', 'b@10']);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(20);
    expect(ran).toEqual(['a@10', 'b@10', 'c@30']);
    expect(vi.getTimerCount()).toBe(0);
    expect(scheduler.size).toBe(0);
  });

  it('cancelling the last entry leaves no timer; cancelling one of many keeps the rest', () => {
    const scheduler = new Scheduler(systemClock, () => undefined);
    const ran: number[] = [];
    const first = scheduler.setTimeout(() => ran.push(1), 10);
    scheduler.setTimeout(() => ran.push(2), 20);
    first.cancel();
    first.cancel();
    vi.advanceTimersByTime(20);
    expect(ran).toEqual([2]);
    const only = scheduler.setTimeout(() => ran.push(3), 5);
    only.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an entry added while others run waits for the next turn, like setTimeout(fn, 0) inside a timer', () => {
    const scheduler = new Scheduler(systemClock, () => undefined);
    const ran: string[] = [];
    scheduler.setTimeout(() => {
      ran.push(`outer@${Date.now()}`);
      scheduler.setTimeout(() => ran.push(`inner@${Date.now()}`), 0);
    }, 10);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual(['outer@10']);
    vi.advanceTimersByTime(5);
    expect(ran[1]).toMatch(/^inner@1[01]$/);
  });

  it('an entry that throws is reported and the others due with it still run', () => {
    const errors: unknown[] = [];
    const scheduler = new Scheduler(systemClock, (e) => errors.push(e));
    const ran: number[] = [];
    scheduler.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    scheduler.setTimeout(() => ran.push(2), 10);
    expect(() => vi.advanceTimersByTime(10)).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(ran).toEqual([2]);
  });

  it('10,000 timers set and cancelled in turn do not pile up', () => {
    const scheduler = new Scheduler(systemClock, () => undefined);
    const keep = scheduler.setTimeout(() => undefined, 60_000);
    for (let i = 0; i < 10_000; i++) scheduler.setTimeout(() => undefined, 1000 + i).cancel();
    expect(scheduler.size).toBe(1);
    expect((scheduler as unknown as { heap: unknown[] }).heap.length).toBeLessThan(100);
    keep.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('ProbeScheduler under a late loop', () => {
  it('RFC 6762 §8.1: probes stay 250 ms apart when a probe fires late (each timed from the one before)', async () => {
    const { ProbeScheduler } = await import('../../src/protocol/probe-scheduler.js');
    // A clock whose timers fire 200 ms late the first time, on time afterwards.
    let now = 0;
    const timers: { at: number; fn: () => void; live: boolean }[] = [];
    let late = 200;
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const t = { at: now + ms + late, fn, live: true };
        late = 0;
        timers.push(t);
        return { cancel: () => void (t.live = false) };
      },
    };
    const sent: number[] = [];
    let done = -1;
    const prober = new ProbeScheduler(clock, () => 0, { probe: () => sent.push(now), done: () => void (done = now) });
    prober.start({} as never);
    for (let i = 0; i < 10; i++) {
      const next = timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      now = next.at;
      next.fn();
    }
    expect(sent).toEqual([200, 450, 700]);
    expect(done).toBe(950);
  });
});
