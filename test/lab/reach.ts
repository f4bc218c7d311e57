/**
 * Host-to-host reachability check over UDP (this machine has no `ping`
 * binary: iputils-ping is not installed). A tiny echo server
 * (`py/udp_echo.py serve`) runs in the target host; the probe runs in the
 * source host and sends to an IPv4 address or `fe80::...%ifname`.
 */
import { isIPv6LinkLocal, isTestNet1 } from './addresses.js';
import { PYTHON } from './availability.js';
import type { Host } from './host.js';
import { pyScript } from './zeroconf.js';

/** Result of {@link udpReach}. */
export interface ReachResult {
  readonly ok: boolean;
  /** Probe output (`OK echo:probe-0 from ...` or `FAIL`) plus errors. */
  readonly detail: string;
}

/**
 * Is `to` (a lab address; IPv6 link-local needs `%ifname` of the *source*
 * host) reachable from `from`, with an echo server on `target`? The server
 * lives only for this check. Bounded: `tries` × 1 s.
 */
export async function udpReach(from: Host, target: Host, to: string, port = 47_000, tries = 5): Promise<ReachResult> {
  const bare = to.split('%')[0] ?? '';
  if (!isTestNet1(bare) && !isIPv6LinkLocal(bare)) {
    throw new Error(`refusing to probe ${to}: lab probes only target 192.0.2.0/24 or fe80::/10`);
  }
  const server = target.spawn(
    PYTHON,
    ['-u', '-B', pyScript('udp_echo.py'), 'serve', '--port', String(port), '--lifetime', '60'],
    {
      label: `udp_echo@${target.name}`,
    },
  );
  try {
    await server.waitForOutput(/READY/, 10_000);
    const r = await from.run(
      PYTHON,
      ['-u', '-B', pyScript('udp_echo.py'), 'probe', '--to', to, '--port', String(port), '--tries', String(tries)],
      { timeoutMs: tries * 1_000 + 10_000 },
    );
    return { ok: r.code === 0 && r.stdout.startsWith('OK'), detail: `${r.stdout}${r.stderr}`.trim() };
  } finally {
    await server.stop();
  }
}
