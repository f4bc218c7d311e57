/**
 * Conformance targets: one small adapter per responder implementation. Each
 * starts the responder publishing one service in a lab host and can stop it
 * (normally: goodbyes are sent). The suite judges the targets only from
 * packets captured on the link, never through their own APIs.
 */
import { fileURLToPath } from 'node:url';
import { startAvahi, type Avahi } from '../lab/avahi.js';
import { avahiPublish, type PublishedService } from '../lab/avahi-client.js';
import type { Host } from '../lab/host.js';
import { startZeroconfPublisher, type ZeroconfPublisher } from '../lab/zeroconf.js';

/** Repository root (cwd for boaster's CLI so `tsx` resolves). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The service every case publishes. */
export interface ServiceSpec {
  /** Instance name, e.g. `Conformance Test`. */
  readonly name: string;
  /** Service type without domain, e.g. `_boaster-conf._tcp`. */
  readonly type: string;
  readonly port: number;
  /** TXT key/values. */
  readonly txt: Readonly<Record<string, string>>;
}

/** A responder being started or running. */
export interface RunningTarget {
  /** Resolves when the target reports the service registered (rejects on failure/timeout). */
  readonly ready: Promise<void>;
  /** Stop the responder (idempotent; goodbyes are sent where the implementation does so). */
  stop(): Promise<void>;
  /** Host name (without `.local`) the target announces. */
  readonly hostName: string;
}

/** A target implementation. */
export interface Target {
  readonly name: TargetName;
  start(host: Host, service: ServiceSpec, timeoutMs: number): RunningTarget;
}

export type TargetName = 'boaster' | 'avahi' | 'python-zeroconf';

function txtItems(txt: Readonly<Record<string, string>>): string[] {
  return Object.entries(txt).map(([k, v]) => `${k}=${v}`);
}

/** boaster's CLI (`src/cli/boaster.ts publish`) run from source with tsx. */
const boaster: Target = {
  name: 'boaster',
  start(host, svc, timeoutMs) {
    const hostName = `conf-boaster-${host.name}`;
    const proc = host.spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/boaster.ts', 'publish', svc.name, svc.type, String(svc.port), ...txtItems(svc.txt), '--host', hostName],
      { cwd: REPO_ROOT, label: `boaster@${host.name}` },
    );
    const ready = proc.waitForOutput(/Established under name/, timeoutMs).then(() => undefined);
    return {
      ready,
      hostName,
      stop: async () => {
        await proc.stop();
      },
    };
  },
};

/** avahi-daemon (private D-Bus) + `avahi-publish -s`. */
const avahi: Target = {
  name: 'avahi',
  start(host, svc, timeoutMs) {
    const hostName = `conf-avahi-${host.name}`;
    let daemon: Avahi | undefined;
    let published: PublishedService | undefined;
    const ready = (async () => {
      daemon = await startAvahi(host, { hostName, timeoutMs });
      published = await avahiPublish(daemon, { name: svc.name, type: svc.type, port: svc.port, txt: txtItems(svc.txt), timeoutMs });
    })();
    return {
      ready,
      hostName,
      stop: async () => {
        await ready.catch(() => undefined);
        // Withdraw the service first (goodbyes for it), then stop the daemon.
        await published?.stop();
        await daemon?.stop();
      },
    };
  },
};

/** python-zeroconf (test/lab/py/zc_publish.py), IPv4 only as configured by the lab. */
const zeroconf: Target = {
  name: 'python-zeroconf',
  start(host, svc, timeoutMs) {
    const hostName = `conf-zc-${host.name}`;
    let pub: ZeroconfPublisher | undefined;
    const ready = (async () => {
      pub = await startZeroconfPublisher(host, {
        name: svc.name,
        type: svc.type,
        port: svc.port,
        txt: svc.txt,
        server: `${hostName}.local.`,
        timeoutMs,
      });
    })();
    return {
      ready,
      hostName,
      stop: async () => {
        await ready.catch(() => undefined);
        await pub?.stop();
      },
    };
  },
};

export const TARGETS: Readonly<Record<TargetName, Target>> = {
  boaster,
  avahi,
  'python-zeroconf': zeroconf,
};

export const TARGET_NAMES: readonly TargetName[] = ['boaster', 'avahi', 'python-zeroconf'];
