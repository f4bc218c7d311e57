/**
 * Drives child.ts inside a lab host for the flap scenario: spawns it (through
 * tsx, from source, with `--expose-gc` so heap figures are taken after a
 * collection), parses its JSON lines as they come, and asks it for its
 * browser's view and resources. Every wait is bounded.
 */
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../../../src/index.js';
import type { Host } from '../../lab/host.js';
import type { LabProcess } from '../../lab/process.js';
import { sleep } from '../../lab/wait.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** One line the child printed. */
export interface ChildLine {
  readonly t: number;
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** An instance as the child's browser holds it. */
export interface ViewedService {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
  readonly interfaces: readonly string[];
}

/** The child's resources (after a forced GC). */
export interface Resources {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly fds: number;
  readonly handles: number;
  readonly handlesByType: Readonly<Record<string, number>>;
}

/** A `view` reply. */
export interface View extends Resources {
  readonly services: readonly ViewedService[];
}

/** What the child publishes and browses. */
export interface ChildSpec {
  readonly hostName: string;
  readonly services: readonly ServiceSpec[];
  readonly browse: string;
  readonly pollIntervalMs: number;
}

/** A running child.ts. */
export class FlapProcess {
  readonly lines: ChildLine[] = [];
  private parsed = 0;
  private nextId = 1;
  private errorsRead = 0;

  private constructor(
    readonly process: LabProcess,
    readonly spec: ChildSpec,
  ) {}

  /** Start the child in `host`; resolves once every service is announced. */
  static async start(host: Host, spec: ChildSpec, timeoutMs = 30_000): Promise<FlapProcess> {
    const proc = host.spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, JSON.stringify(spec)], {
      cwd: ROOT,
      label: `flap-child@${host.name}`,
    });
    const child = new FlapProcess(proc, spec);
    await child.waitFor((l) => l.kind === 'ready' || l.kind === 'startError', timeoutMs);
    const failed = child.lines.find((l) => l.kind === 'startError');
    if (failed) throw new Error(`flap child on ${host.name} did not start: ${String(failed.message)}`);
    return child;
  }

  /** Parse the complete lines printed since the last call. */
  private update(): void {
    const out = this.process.stdout;
    const end = out.lastIndexOf('\n') + 1;
    if (end <= this.parsed) return;
    for (const line of out.slice(this.parsed, end).split('\n')) {
      if (line.startsWith('{')) this.lines.push(JSON.parse(line) as ChildLine);
    }
    this.parsed = end;
  }

  /** Lines of one kind printed at or after `since` (epoch ms). */
  linesOf(kind: string, since = 0): ChildLine[] {
    this.update();
    return this.lines.filter((l) => l.kind === kind && l.t >= since);
  }

  /** Wait (bounded) for a line matching `test`, looking at lines from `since` on. */
  async waitFor(test: (l: ChildLine) => boolean, timeoutMs: number, since = 0): Promise<ChildLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.update();
      const found = this.lines.find((l) => l.t >= since && test(l));
      if (found) return found;
      if (Date.now() > deadline || !this.process.running)
        throw new Error(`${this.process.label}: no matching line within ${timeoutMs} ms\n${this.process.tail()}`);
      await sleep(25);
    }
  }

  /** Error lines not returned by an earlier call. */
  unreadErrors(): ChildLine[] {
    const errors = this.linesOf('error');
    const unread = errors.slice(this.errorsRead);
    this.errorsRead = errors.length;
    return unread;
  }

  /** Whether every service has printed `announced` at or after `since`. */
  announcedSince(since: number): boolean {
    const names = new Set(
      this.linesOf('service', since)
        .filter((l) => l.event === 'announced')
        .map((l) => l.name),
    );
    return this.spec.services.every((s) => names.has(s.name));
  }

  /** The browser's view and the resources, now. */
  async view(timeoutMs = 5_000): Promise<View> {
    const id = this.nextId++;
    this.process.write(`${JSON.stringify({ cmd: 'view', id })}\n`);
    return (await this.waitFor((l) => l.kind === 'view' && l.id === id, timeoutMs)) as unknown as View;
  }

  /** Close the Mdns (goodbyes) and wait for the exit; returns the resources it printed last. */
  async close(timeoutMs = 10_000): Promise<Resources> {
    this.process.write(`${JSON.stringify({ cmd: 'close' })}\n`);
    const closed = await this.waitFor((l) => l.kind === 'closed', timeoutMs);
    await Promise.race([this.process.exited, sleep(timeoutMs)]);
    return closed as unknown as Resources;
  }
}
