/**
 * Conformance targets: one small adapter per responder implementation. Each
 * starts the responder publishing one service in a lab host, can rename the
 * service (a manual name change) and stop it (normally: goodbyes are sent).
 * The suite judges the targets only from packets on the link, never through
 * their own APIs.
 */
import { fileURLToPath } from 'node:url';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { PYTHON } from '../lab/availability.js';
import type { Host } from '../lab/host.js';
import type { LabProcess } from '../lab/process.js';
import { pyScript } from '../lab/zeroconf.js';

/** Repository root (cwd for the drivers so `tsx` and node_modules resolve). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The service every scenario publishes. */
export interface ServiceSpec {
  /** Instance name, e.g. `Conformance Test`. */
  readonly name: string;
  /** Service type without domain, e.g. `_boaster-conf._tcp`. */
  readonly type: string;
  readonly port: number;
  /** TXT key/values. */
  readonly txt: Readonly<Record<string, string>>;
  /** One subtype, e.g. `_conf` (where the target supports subtypes). */
  readonly subtype?: string;
}

export interface StartOptions {
  readonly timeoutMs: number;
  /** boaster only: deliberate faults (faults.ts). */
  readonly faults?: readonly string[];
}

/** A responder being started or running. */
export interface RunningTarget {
  /** Host name (without `.local`) the target announces. */
  readonly hostName: string;
  /** Resolves once the publishing process runs (the daemon too, for avahi): probing is about to start. */
  readonly launched: Promise<void>;
  /** Resolves when the target reports the service registered (rejects on failure / timeout). */
  readonly ready: Promise<void>;
  /** Manual name change of the service instance; resolves once requested. */
  rename(name: string): Promise<void>;
  /** Stop the responder (idempotent; goodbyes are sent where the implementation does so). */
  stop(): Promise<void>;
  /** What the target printed, for error details. */
  output(): string;
}

export interface Target {
  readonly name: TargetName;
  /** What the target's version is (for the results table). */
  readonly version?: string;
  /** Whether it takes part in IPv6 (python-zeroconf runs IPv4 only in the lab). */
  readonly ipv6: boolean;
  /** Whether it can publish a subtype. */
  readonly subtypes: boolean;
  start(host: Host, service: ServiceSpec, options: StartOptions): RunningTarget;
}

export type TargetName = 'boaster' | 'avahi' | 'python-zeroconf' | 'ciao';
export const TARGET_NAMES: readonly TargetName[] = ['boaster', 'avahi', 'python-zeroconf', 'ciao'];

/** The host label each target is told to use (`conf-boaster-h0`, `conf-zc-h0`, …). */
export function hostLabelOf(target: TargetName, host: Host): string {
  return `conf-${target === 'python-zeroconf' ? 'zc' : target}-${host.name}`;
}

function txtItems(txt: Readonly<Record<string, string>>): string[] {
  return Object.entries(txt).map(([k, v]) => `${k}=${v}`);
}

/** A driver speaking the READY / RENAMED / `rename NAME` / STOPPED line protocol (boaster-driver.ts, ciao-driver.cjs). */
function lineDriver(proc: LabProcess, hostName: string, timeoutMs: number): RunningTarget {
  const ready = proc.waitForOutput(/^READY /m, timeoutMs).then(() => undefined);
  ready.catch(() => undefined);
  return {
    hostName,
    launched: Promise.resolve(),
    ready,
    rename: (name) => {
      proc.write(`rename ${name}\n`);
      return Promise.resolve();
    },
    stop: async () => {
      await proc.stop();
    },
    output: () => proc.output,
  };
}

const boaster: Target = {
  name: 'boaster',
  ipv6: true,
  subtypes: true,
  start(host, svc, opts) {
    const hostName = hostLabelOf('boaster', host);
    const cfg = {
      name: svc.name,
      type: svc.type,
      port: svc.port,
      txt: svc.txt,
      hostName,
      ...(svc.subtype ? { subtype: svc.subtype } : {}),
    };
    const proc = host.spawn(
      process.execPath,
      ['--import', 'tsx', 'test/conformance/boaster-driver.ts', JSON.stringify(cfg)],
      {
        cwd: REPO_ROOT,
        label: `boaster@${host.name}`,
        env: { BOASTER_CONF_FAULTS: (opts.faults ?? []).join(',') },
      },
    );
    return lineDriver(proc, hostName, opts.timeoutMs);
  },
};

const ciao: Target = {
  name: 'ciao',
  ipv6: true,
  subtypes: true,
  start(host, svc, opts) {
    const hostName = hostLabelOf('ciao', host);
    const [, name = svc.type, protocol = 'tcp'] = /^_([^.]+)\._(tcp|udp)$/.exec(svc.type) ?? [];
    // ciao needs the interfaces named: it misreads veth names (`eth0@if3`) and would serve only loopback.
    const cfg = {
      name: svc.name,
      type: name,
      protocol,
      port: svc.port,
      txt: svc.txt,
      hostName,
      interfaces: host.interfaces.map((i) => i.ifname),
      ipv6: true,
      ...(svc.subtype ? { subtype: svc.subtype } : {}),
    };
    const proc = host.spawn(process.execPath, ['test/conformance/ciao-driver.cjs', JSON.stringify(cfg)], {
      cwd: REPO_ROOT,
      label: `ciao@${host.name}`,
    });
    return lineDriver(proc, hostName, opts.timeoutMs);
  },
};

/** avahi-daemon (private D-Bus) + `avahi-publish -s`; a rename withdraws the service and publishes it again under the new name. */
const avahi: Target = {
  name: 'avahi',
  ipv6: true,
  subtypes: true,
  start(host, svc, opts) {
    const hostName = hostLabelOf('avahi', host);
    let daemon: Avahi | undefined;
    let publisher: LabProcess | undefined;
    let log = '';
    const publish = (name: string): LabProcess => {
      if (!daemon) throw new Error('avahi-daemon is not running');
      const args = [
        '-s',
        ...(svc.subtype ? [`--subtype=${svc.subtype}._sub.${svc.type}`] : []),
        name,
        svc.type,
        String(svc.port),
        ...txtItems(svc.txt),
      ];
      return daemon.host.spawn('avahi-publish', args, { env: daemon.env, label: `avahi-publish@${host.name}` });
    };
    const launched = (async () => {
      daemon = await startAvahi(host, { hostName, timeoutMs: opts.timeoutMs });
      publisher = publish(svc.name);
    })();
    launched.catch(() => undefined);
    const ready = launched.then(async () => {
      await publisher?.waitForOutput(/Established under name/, opts.timeoutMs);
    });
    ready.catch(() => undefined);
    return {
      hostName,
      launched,
      ready,
      rename: async (name) => {
        await launched;
        log += publisher?.output ?? '';
        await publisher?.stop();
        publisher = publish(name);
      },
      stop: async () => {
        await launched.catch(() => undefined);
        // Withdraw the service first (goodbyes for it), then stop the daemon.
        await publisher?.stop();
        await daemon?.stop();
      },
      output: () => `${log}${publisher?.output ?? ''}`,
    };
  },
};

/** python-zeroconf (test/lab/py/zc_publish.py), IPv4 only as the lab configures it; `rename` on stdin re-registers. */
const zeroconf: Target = {
  name: 'python-zeroconf',
  ipv6: false,
  subtypes: false,
  start(host, svc, opts) {
    const hostName = hostLabelOf('python-zeroconf', host);
    const args = [
      '-u',
      '-B',
      pyScript('zc_publish.py'),
      '--interface',
      host.ipv4,
      '--ip-version',
      '4',
      '--name',
      svc.name,
      '--type',
      svc.type,
      '--port',
      String(svc.port),
    ];
    for (const item of txtItems(svc.txt)) args.push('--txt', item);
    args.push('--server', `${hostName}.local.`, '--allow-name-change', '--commands');
    // zc_publish.py speaks the same READY / `rename NAME` line protocol as the drivers.
    return lineDriver(host.spawn(PYTHON, args, { label: `zc_publish@${host.name}` }), hostName, opts.timeoutMs);
  },
};

export const TARGETS: Readonly<Record<TargetName, Target>> = {
  boaster,
  avahi,
  'python-zeroconf': zeroconf,
  ciao,
};
