/**
 * Runs `boaster publish` (the CLI, from source through tsx) inside lab hosts.
 */
import { fileURLToPath } from 'node:url';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/boaster.ts', import.meta.url));

/** Start `boaster publish ARGS...` in `host`; resolves once it printed its established name. */
export async function startPublish(
  host: Host,
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<{ process: LabProcess; name: string }> {
  const proc = host.spawn(process.execPath, ['--import', 'tsx', cli, 'publish', ...args], {
    cwd: root,
    label: `boaster-publish@${host.name}`,
  });
  const match = await proc.waitForOutput(/Established under name '(.*?)'/, timeoutMs);
  return { process: proc, name: match[1] ?? '' };
}

/** Bounded wait until `check` holds. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
