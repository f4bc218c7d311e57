/** The result line of a lab helper script: its last complete JSON line, `{ kind: 'done', … }`. */
import type { LabProcess } from './process.js';

/** The last complete JSON line of `proc`'s output (a long line arrives in several chunks); throws unless `kind` is `done`. */
export function lastJson<T>(proc: LabProcess, what: string): T {
  const complete = proc.stdout.slice(0, proc.stdout.lastIndexOf('\n') + 1);
  const line = complete
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (line === undefined) throw new Error(`${what} printed no result\n${proc.tail()}`);
  const parsed = JSON.parse(line) as { kind: string; error?: string };
  if (parsed.kind !== 'done') throw new Error(`${what} failed: ${parsed.error ?? line}`);
  return parsed as T;
}
