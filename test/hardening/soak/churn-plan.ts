/**
 * Issue 15, churn soak: what the soak child does to its services, one
 * seeded random step at a time — publish a new one, change its TXT
 * (RFC 6762 §8.4) or port, rename it (goodbyes, then a new probe, §8.4,
 * §10.1), or stop it (goodbyes, §10.1) — keeping the live count near the
 * target. Every promise goes through the tracker; a synchronous refusal
 * (a typed error such as `BAD_STATE`) is counted, never thrown on.
 */
import type { Mdns } from '../../../src/api/mdns.js';
import type { Service } from '../../../src/api/responder.js';
import { Prng } from '../fuzz/prng.js';
import type { PromiseTracker } from './promise-tracker.js';

/** A seeded generator (the fuzzer's mulberry32): the same seed, the same churn. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** Operations done, by kind. */
export interface OpCounts {
  publish: number;
  updateTxt: number;
  updatePort: number;
  rename: number;
  stop: number;
}

/** The live services and the seeded steps that churn them. */
export class ChurnPlan {
  readonly ops: OpCounts = { publish: 0, updateTxt: 0, updatePort: 0, rename: 0, stop: 0 };
  private readonly live: Service[] = [];
  private readonly index = new Map<Service, number>();
  /** The last few steps done to each live service, for the diagnosis of a wrong view. */
  private readonly steps = new Map<Service, string[]>();
  private serial = 0;
  private readonly born = Date.now();

  constructor(
    private readonly mdns: Mdns,
    private readonly tracker: PromiseTracker,
    private readonly random: () => number,
    private readonly type: string,
    private readonly target: number,
  ) {}

  /** Services we published and did not stop (some may still be probing). */
  get liveCount(): number {
    return this.live.length;
  }

  /** Names of the live services now. */
  liveNames(): string[] {
    return this.live.map((s) => s.name);
  }

  /** A random live service, or undefined when none is. */
  pick(): Service | undefined {
    if (this.live.length === 0) return undefined;
    return this.live[Math.floor(this.random() * this.live.length)];
  }

  /** The steps done to the live service called `name` (oldest first), or undefined. */
  historyOf(name: string): string[] | undefined {
    const service = this.live.find((s) => s.name === name);
    return service ? this.steps.get(service) : undefined;
  }

  total(): number {
    return Object.values(this.ops).reduce((a, b) => a + b, 0);
  }

  /** Publish one new service (register, then track its announcement). */
  publish(): void {
    const n = ++this.serial;
    let service: Service;
    try {
      service = this.mdns.responder.register({
        name: `Soak ${n}`,
        type: this.type,
        port: 1024 + Math.floor(this.random() * 60_000),
        txt: this.txt(n),
      });
    } catch (error) {
      this.tracker.thrown('publish', error);
      return;
    }
    this.ops.publish++;
    this.add(service);
    // A rejected announcement (STOPPED, CLOSED, …) ends the service: it is no longer live.
    this.tracker.track('announced', service.announced).catch(() => this.remove(service));
  }

  /** One random step, weighted to pull the live count back to the target. */
  step(): void {
    const drift = (this.live.length - this.target) / Math.max(1, this.target);
    const pPublish = clamp(0.15 - drift, 0.02, 0.6);
    const pStop = clamp(0.15 + drift, 0.02, 0.6);
    const r = this.random();
    if (r < pPublish || this.live.length === 0) return this.publish();
    const service = this.pick();
    if (!service) return;
    if (r < pPublish + pStop) return this.stop(service);
    const rest = (r - pPublish - pStop) / (1 - pPublish - pStop);
    if (rest < 0.5) this.updateTxt(service);
    else if (rest < 0.75) this.updatePort(service);
    else this.rename(service);
  }

  private updateTxt(service: Service): void {
    this.ops.updateTxt++;
    this.log(service, 'updateTxt');
    try {
      service.updateTxt(this.txt(this.serial));
    } catch (error) {
      this.tracker.thrown('updateTxt', error);
    }
  }

  private updatePort(service: Service): void {
    this.ops.updatePort++;
    this.log(service, 'updatePort');
    try {
      service.updatePort(1024 + Math.floor(this.random() * 60_000));
    } catch (error) {
      this.tracker.thrown('updatePort', error);
    }
  }

  private rename(service: Service): void {
    this.ops.rename++;
    this.log(service, `rename from "${service.name}"`);
    // A fresh name each time: never one another live service of ours holds.
    this.tracker.track('rename', service.rename(`Soak ${++this.serial} renamed`)).catch(() => undefined);
  }

  private stop(service: Service): void {
    this.ops.stop++;
    this.remove(service);
    this.tracker.track('stop', service.stop()).catch(() => undefined);
  }

  private add(service: Service): void {
    this.index.set(service, this.live.length);
    this.live.push(service);
    this.steps.set(service, [`${((Date.now() - this.born) / 1000).toFixed(1)} s publish "${service.name}"`]);
  }

  private remove(service: Service): void {
    const at = this.index.get(service);
    if (at === undefined) return;
    const last = this.live.pop();
    this.index.delete(service);
    this.steps.delete(service);
    if (last && last !== service) {
      this.live[at] = last;
      this.index.set(last, at);
    }
  }

  private log(service: Service, step: string): void {
    const list = this.steps.get(service);
    if (!list) return;
    list.push(`${((Date.now() - this.born) / 1000).toFixed(1)} s ${step} (${service.state})`);
    if (list.length > 8) list.splice(1, 1);
  }

  private txt(n: number): Record<string, string> {
    return { v: String(n), pad: 'x'.repeat(Math.floor(this.random() * 120)) };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
