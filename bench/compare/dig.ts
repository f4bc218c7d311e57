/**
 * One `dig` query to a responder's mDNS port from another lab host — the
 * legacy unicast path a plain DNS tool takes (RFC 6762 §6.7) — judged clean
 * when dig reports NOERROR with an answer, prints no warning or error (its
 * notice that `.local` is reserved for mDNS aside: that is about the name), and
 * every record's TTL is at most 10 s (§6.7: legacy answers carry TTLs of at
 * most ten seconds).
 */
import type { Host } from '../../test/lab/host.js';

/** Largest TTL a legacy unicast answer may carry (RFC 6762 §6.7). */
export const LEGACY_MAX_TTL_S = 10;

export interface DigCheck {
  readonly command: string;
  readonly status: string | null;
  readonly answers: number;
  readonly maxTtl: number | null;
  readonly warnings: readonly string[];
  readonly clean: boolean;
}

/** Parse dig's output (exported for its unit test). */
export function judgeDig(command: string, output: string): DigCheck {
  const status = /status: (\w+)/.exec(output)?.[1] ?? null;
  const answers = Number(/ANSWER: (\d+)/.exec(output)?.[1] ?? 0);
  // dig's own notice that .local belongs to mDNS is about the name asked, not the reply.
  const warnings = output
    .split('\n')
    .filter((l) => !/reserved for Multicast DNS|leaked to DNS/i.test(l))
    .filter((l) =>
      /^;; (WARNING|Warning|warning)|FORMERR|unexpected source|communications error|timed out|no servers/i.test(l),
    )
    .map((l) => l.trim());
  const ttls: number[] = [];
  let inRecords = false;
  for (const line of output.split('\n')) {
    if (/^;; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.test(line)) inRecords = true;
    else if (line.trim() === '' || line.startsWith(';;')) inRecords = false;
    else if (inRecords && !line.startsWith(';')) {
      const ttl = Number(line.trim().split(/\s+/)[1]);
      if (Number.isFinite(ttl)) ttls.push(ttl);
    }
  }
  const maxTtl = ttls.length > 0 ? Math.max(...ttls) : null;
  const clean =
    status === 'NOERROR' && answers > 0 && warnings.length === 0 && maxTtl !== null && maxTtl <= LEGACY_MAX_TTL_S;
  return { command, status, answers, maxTtl, warnings, clean };
}

/** `dig -4 +time=2 +tries=1 -p 5353 @server name SRV` run on `host`. */
export async function digCheck(host: Host, server: string, name: string): Promise<DigCheck> {
  const args = ['-4', '+time=2', '+tries=1', '-p', '5353', `@${server}`, name, 'SRV'];
  const r = await host.run('dig', args, { timeoutMs: 10_000 });
  return judgeDig(`dig ${args.join(' ')}`, `${r.stdout}${r.stderr}`);
}
