/**
 * Issue 15, "hostile peer": a host that answers every probe and claims every
 * name boaster picks. RFC 6762 §8.1: after 15 conflicts within 10 s a
 * responder waits at least 5 s before each further probe. boaster must back
 * off that way (≤ 1 probe a second), never spin, stay alive, and tell the
 * user (the CLI prints a line on the `rateLimited` / `hostRateLimited`
 * events).
 *
 * h0 runs `boaster publish` (the CLI, through tsx); h1 runs hostile-peer.cjs
 * (plain dgram + dns-packet), which answers each IPv4 probe at once with a
 * conflicting record for every record proposed — the service's SRV/TXT and
 * the host's A/AAAA — for 30 s. What the peer received is the probe record:
 * each name is one probe attempt (its first probe is answered, so the two
 * later probes of the attempt never go). CPU is boaster's utime + stime
 * (/proc/<pid>/stat) from its first rename to the end of the storm, bounded
 * at 30 % of one core: generous, since a spinning loop is ~100 %.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labGate } from '../lab/availability.js';
import { useLab } from '../lab/use-lab.js';
import { sleep } from '../lab/wait.js';
import { cpuSeconds } from './flood-scenario.js';

const skip = labGate([], 'hardening: a hostile peer claiming every name');
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/boaster.ts', import.meta.url));
const PEER = fileURLToPath(new URL('./hostile-peer.cjs', import.meta.url));

/** How long the peer claims every name. */
const STORM_MS = 30_000;
/** RFC 6762 §8.1: conflicts before the limit, and the wait after it (less a little for receive-time jitter). */
const LIMIT_AFTER = 15;
const LIMITED_GAP_MS = 4_950;
/** CPU bound over the storm, share of one core. */
const MAX_CPU_SHARE = 0.3;

interface PeerLine {
  kind: string;
  t?: number;
  epochMs?: number;
  from?: string;
  names?: string[];
  answered?: boolean;
  probes?: number;
  answers?: number;
  error?: string;
}

/** First-probe times (ms since the peer was ready) of each distinct name probed by `from`, per kind of name. */
function attemptsOf(lines: readonly PeerLine[], from: string, isKind: (name: string) => boolean): number[] {
  const first = new Map<string, number>();
  for (const l of lines) {
    if (l.kind !== 'probe' || l.from !== from) continue;
    for (const n of l.names ?? []) if (isKind(n) && !first.has(n.toLowerCase())) first.set(n.toLowerCase(), l.t ?? 0);
  }
  return [...first.values()].sort((a, b) => a - b);
}

describe.skipIf(skip)('a hostile peer claims every name boaster probes (RFC 6762 §8.1)', () => {
  const lab = useLab({ hosts: 2 });

  it('boaster backs off to one probe attempt per 5 s after 15 conflicts, stays alive, uses little CPU and prints the rate-limit line', async () => {
    const [h0, h1] = [lab().host(0), lab().host(1)];
    const peer = h1.spawn(
      process.execPath,
      [PEER, JSON.stringify({ durationMs: STORM_MS, address: h1.ipv4, maxAnswers: 1_000 })],
      { label: 'hostile-peer' },
    );
    await peer.waitForOutput(/"kind":"ready"/, 10_000);
    const pub = h0.spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'publish', 'Hostile Target', '_http._tcp', '80', '--host', 'target'],
      { cwd: root, label: 'boaster-publish' },
    );
    try {
      // The first rename: tsx has compiled the CLI and the storm is on; CPU is counted from here.
      await pub.waitForOutput(/Service name collision, renaming service to/, 20_000);
      const cpu0 = cpuSeconds(pub.pid);
      const wall0 = Date.now();
      const line = await pub.waitForOutput(/^Service name conflicts: (\d+) within 10 s.*$/m, 15_000);
      expect(line[0]).toBe('Service name conflicts: 15 within 10 s, probing each new name after 5 s (RFC 6762 §8.1)');
      await pub.waitForOutput(/^Host name conflicts: 15 within 10 s/m, 5_000);
      await peer.exited;
      expect(pub.running, `boaster died under the storm\n${pub.tail()}`).toBe(true);
      const cpu = cpuSeconds(pub.pid) - cpu0;
      const wall = (Date.now() - wall0) / 1000;
      const share = cpu / wall;

      const lines = peer.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as PeerLine);
      expect(lines.filter((l) => l.kind === 'error')).toEqual([]);
      const done = lines.find((l) => l.kind === 'done');
      const service = attemptsOf(lines, h0.ipv4, (n) => n.toLowerCase().endsWith('._http._tcp.local'));
      const host = attemptsOf(lines, h0.ipv4, (n) => /^target(-\d+)?\.local$/i.test(n));
      const summary = {
        serviceAttempts: service.length,
        hostAttempts: host.length,
        probesReceived: done?.probes,
        answersSent: done?.answers,
        cpuSeconds: Number(cpu.toFixed(3)),
        wallSeconds: Number(wall.toFixed(1)),
        cpuShare: Number(share.toFixed(4)),
        limitedGapsMs: service.slice(LIMIT_AFTER).map((t, i) => t - (service[LIMIT_AFTER - 1 + i] ?? 0)),
      };
      console.log(`hostile peer: ${JSON.stringify(summary)}`);

      for (const attempts of [service, host]) {
        // The storm lasts long enough for the limit and several slow attempts (2 s of fast renames, then 5 s apart).
        expect(attempts.length, JSON.stringify(summary)).toBeGreaterThanOrEqual(LIMIT_AFTER + 2);
        // RFC 6762 §8.1: after the 15th conflict, every further attempt ≥ 5 s after the one before.
        for (let i = LIMIT_AFTER; i < attempts.length; i++)
          expect((attempts[i] ?? 0) - (attempts[i - 1] ?? 0), JSON.stringify(summary)).toBeGreaterThanOrEqual(
            LIMITED_GAP_MS,
          );
        // ≤ 1 probe a second averaged over the limited period (from the 15th attempt to the end of the storm).
        const limitedSeconds = (STORM_MS - (attempts[LIMIT_AFTER - 1] ?? 0)) / 1000;
        expect(attempts.length - LIMIT_AFTER).toBeLessThanOrEqual(limitedSeconds);
      }
      // Every probe packet boaster sent on IPv4 (both kinds, the three of an attempt if unanswered): ≤ 1 per second
      // per kind over the limited period, beyond the 15 fast attempts each.
      const limitedFrom = Math.max(service[LIMIT_AFTER - 1] ?? 0, host[LIMIT_AFTER - 1] ?? 0);
      const slowProbes = lines.filter((l) => l.kind === 'probe' && l.from === h0.ipv4 && (l.t ?? 0) > limitedFrom);
      expect(slowProbes.length).toBeLessThanOrEqual((2 * (STORM_MS - limitedFrom)) / 1000);
      // Never spins.
      expect(share, JSON.stringify(summary)).toBeLessThan(MAX_CPU_SHARE);

      // The peer is gone: the name being probed now is announced.
      await pub.waitForOutput(/Established under name 'Hostile Target \(\d+\)'/, 12_000);
      await sleep(100);
      pub.signal('SIGTERM');
      await pub.exited;
      expect(pub.exitStatus?.code, pub.tail()).toBe(0);
    } finally {
      await pub.stop();
      await peer.stop();
    }
  }, 60_000);
});
