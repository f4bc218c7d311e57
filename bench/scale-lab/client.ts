/**
 * Running one phase of the measuring client (querier.cjs) in a lab host:
 * spawned, ready once it printed READY (its sockets bound), and its result
 * line awaited within the phase's own bound plus 15 s.
 */
import { fileURLToPath } from 'node:url';
import type { Host } from '../../test/lab/host.js';
import { lastJson } from '../../test/lab/result-line.js';
import { within } from '../../test/lab/within.js';

const CLIENT = fileURLToPath(new URL('./querier.cjs', import.meta.url));

/** A phase's configuration: querier.cjs's header lists the phases and their options. */
export type PhaseConfig = Record<string, unknown> & { phase: string; maxMs: number };

/** Start a phase on `host`; resolves once it is bound, with a function that waits (bounded) for its result. */
export async function startPhase<T>(host: Host, cfg: PhaseConfig): Promise<() => Promise<T>> {
  const proc = host.spawn(process.execPath, [CLIENT, JSON.stringify(cfg)], {
    label: `client-${cfg.phase}@${host.name}`,
  });
  await proc.waitForOutput(/^READY$/m, 10_000);
  return async () => {
    if (!(await within(proc.exited, cfg.maxMs + 15_000))) await proc.stop();
    return lastJson<T>(proc, `client ${cfg.phase}`);
  };
}

/** Run a phase on `host` to its end. */
export async function runPhase<T>(host: Host, cfg: PhaseConfig): Promise<T> {
  return (await startPhase<T>(host, cfg))();
}
