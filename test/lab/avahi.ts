/**
 * avahi-daemon inside a lab host, with a private D-Bus system bus.
 *
 * Verified facts (avahi 0.8, dbus 1.14, Debian):
 * - avahi-daemon refuses to start without a system bus (enable-dbus=yes is
 *   what avahi-browse/-publish/-resolve talk to). We run a private
 *   `dbus-daemon` per host, with a config that only needs `<type>system</type>`,
 *   `<listen>unix:path=...</listen>`, `<auth>EXTERNAL</auth>` and an
 *   allow-everything default policy. No `<includedir>` and no `<user>` are
 *   needed (we are root; the allow-all policy already lets us own
 *   org.freedesktop.Avahi). It logs a harmless "Failed to set fd limit"
 *   warning. With `--print-address` it prints the address once it listens,
 *   which is our readiness signal (~20 ms).
 * - Clients and the daemon find that bus via `DBUS_SYSTEM_BUS_ADDRESS`.
 * - avahi-daemon writes its pid file and socket to /run/avahi-daemon, which
 *   does not even exist on the host. `ip netns exec` already gives each
 *   command a private (slave) mount namespace; we add `unshare -m` (private
 *   propagation) and mount a tmpfs on /run, so concurrent daemons never see
 *   each other's pid files and nothing leaks to the host. In the same mount
 *   namespace /etc/avahi/services and /etc/avahi/hosts are replaced by the
 *   host's own (empty unless given), so the machine's config is not published.
 * - Started with `--no-drop-root --no-chroot --no-rlimits`, logs go to
 *   stderr; "Server startup complete" appears ~0.1-1 s after start (it probes
 *   its host name first). SIGTERM makes it send goodbyes and exit promptly.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from './host.js';
import type { LabProcess } from './process.js';

/** Options for {@link startAvahi}. */
export interface AvahiOptions {
  /** `host-name=` (no `.local`); default `lab-<host name>`. */
  readonly hostName?: string;
  /** `allow-interfaces=`; default all current interfaces of the host; `null` omits the line. */
  readonly allowInterfaces?: readonly string[] | null;
  /** `use-ipv4=`; default true. */
  readonly useIPv4?: boolean;
  /** `use-ipv6=`; default true. */
  readonly useIPv6?: boolean;
  /** Static service files for /etc/avahi/services: file name (`x.service`) → XML. */
  readonly services?: Readonly<Record<string, string>>;
  /** Content for /etc/avahi/hosts; default empty. */
  readonly staticHosts?: string;
  /** Extra config: section → key → value (merged over the defaults). */
  readonly extraConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Startup timeout; default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** A running avahi-daemon (plus its private dbus-daemon) in a lab host. */
export interface Avahi {
  readonly host: Host;
  /** Configured host name (without `.local`). */
  readonly hostName: string;
  /** `unix:path=...` of the private system bus. */
  readonly busAddress: string;
  /** Environment for avahi clients run in this host (`DBUS_SYSTEM_BUS_ADDRESS`). */
  readonly env: Readonly<Record<string, string>>;
  readonly daemon: LabProcess;
  readonly dbus: LabProcess;
  /** Path of the generated avahi-daemon.conf. */
  readonly configPath: string;
  /** Stop avahi-daemon (SIGTERM: goodbyes are sent), then dbus. Idempotent. */
  stop(): Promise<void>;
}

/** Render the private dbus-daemon config (exported for tests/documentation). */
export function dbusConfig(socketPath: string): string {
  return [
    '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"',
    ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
    '<busconfig>',
    '  <type>system</type>',
    `  <listen>unix:path=${socketPath}</listen>`,
    '  <auth>EXTERNAL</auth>',
    '  <policy context="default">',
    '    <allow send_destination="*" eavesdrop="true"/>',
    '    <allow eavesdrop="true"/>',
    '    <allow own="*"/>',
    '    <allow user="*"/>',
    '  </policy>',
    '</busconfig>',
    '',
  ].join('\n');
}

/** Render avahi-daemon.conf from sections (exported for tests). */
export function renderIni(sections: Readonly<Record<string, Readonly<Record<string, string>>>>): string {
  return Object.entries(sections)
    .map(([name, kv]) => [`[${name}]`, ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}

/** Start dbus-daemon + avahi-daemon in `host`; resolves once avahi reports "Server startup complete". */
export async function startAvahi(host: Host, opts: AvahiOptions = {}): Promise<Avahi> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const dir = join(host.dir, 'avahi');
  mkdirSync(join(dir, 'services'), { recursive: true });
  const socketPath = join(dir, 'bus');
  const busAddress = `unix:path=${socketPath}`;
  const dbusConf = join(dir, 'dbus.conf');
  writeFileSync(dbusConf, dbusConfig(socketPath));

  const hostName = opts.hostName ?? `lab-${host.name}`;
  const allow = opts.allowInterfaces === undefined ? host.interfaces.map((i) => i.ifname) : opts.allowInterfaces;
  const server: Record<string, string> = {
    'host-name': hostName,
    'use-ipv4': (opts.useIPv4 ?? true) ? 'yes' : 'no',
    'use-ipv6': (opts.useIPv6 ?? true) ? 'yes' : 'no',
    'enable-dbus': 'yes',
    'ratelimit-interval-usec': '1000000',
    'ratelimit-burst': '1000',
  };
  if (allow !== null) server['allow-interfaces'] = allow.join(',');
  const sections: Record<string, Record<string, string>> = {
    server,
    'wide-area': { 'enable-wide-area': 'no' },
    publish: { 'publish-hinfo': 'no', 'publish-workstation': 'no' },
  };
  for (const [sec, kv] of Object.entries(opts.extraConfig ?? {})) sections[sec] = { ...sections[sec], ...kv };
  const configPath = join(dir, 'avahi-daemon.conf');
  writeFileSync(configPath, renderIni(sections));
  for (const [file, xml] of Object.entries(opts.services ?? {})) {
    if (!/^[\w.-]+\.service$/.test(file)) throw new Error(`bad service file name ${file}`);
    writeFileSync(join(dir, 'services', file), xml);
  }
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, opts.staticHosts ?? '');

  const env = { DBUS_SYSTEM_BUS_ADDRESS: busAddress };
  const dbus = host.spawn('dbus-daemon', [`--config-file=${dbusConf}`, '--nofork', '--nopidfile', '--print-address'], {
    label: `dbus-daemon@${host.name}`,
  });
  let daemon: LabProcess | undefined;
  const stop = async (): Promise<void> => {
    if (daemon) await daemon.stop();
    await dbus.stop();
  };
  try {
    await dbus.waitForOutput(/unix:path=/, timeoutMs);
    // $1 = config, $2 = services dir, $3 = hosts file. The bind mounts only
    // apply when the targets exist on this machine.
    const script = [
      'set -e',
      'mount -t tmpfs -o mode=0755 tmpfs /run',
      'mkdir -p /run/avahi-daemon',
      'if [ -d /etc/avahi/services ]; then mount --bind "$2" /etc/avahi/services; fi',
      'if [ -f /etc/avahi/hosts ]; then mount --bind "$3" /etc/avahi/hosts; fi',
      'exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f "$1"',
    ].join('\n');
    daemon = host.spawn('unshare', ['-m', 'sh', '-c', script, 'sh', configPath, join(dir, 'services'), hostsFile], {
      env,
      label: `avahi-daemon@${host.name}`,
    });
    await daemon.waitForOutput(/Server startup complete/, timeoutMs);
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { host, hostName, busAddress, env, daemon, dbus, configPath, stop };
}
