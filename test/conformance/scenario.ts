/**
 * One scenario run: a fresh 2-host lab (h0 runs the target, h1 the tester),
 * a capture on the link, the scenario's script (start the target, run the
 * tester, rename, pull the cable…), then stop, read the capture and hand
 * every observation to the cases. All times are epoch ms.
 */
import { runCommand } from '../lab/exec.js';
import { startCapture, type Capture } from '../lab/capture.js';
import { createLab, type Lab } from '../lab/lab.js';
import type { Host } from '../lab/host.js';
import { readMdnsPackets, type MdnsPacket } from './packets.js';
import { runTester, type TesterPlan, type TesterRun } from './tester.js';
import { hostLabelOf, TARGETS, type RunningTarget, type ServiceSpec, type TargetName } from './targets.js';

export type ScenarioName =
  | 'basic'
  | 'shared-timing'
  | 'tiebreak-lose'
  | 'tiebreak-win'
  | 'probe-denial'
  | 'late-conflict'
  | 'name-change'
  | 'hot-plug';

/** Names and addresses a scenario works with. */
export interface Names {
  /** `Conformance Test._boaster-conf._tcp.local` */
  readonly instance: string;
  /** `_boaster-conf._tcp.local` */
  readonly serviceType: string;
  /** `_conf._sub._boaster-conf._tcp.local`, when the target publishes the subtype. */
  readonly subtype: string | undefined;
  /** `conf-boaster-h0.local` */
  readonly hostName: string;
  readonly targetV4: string;
  /** Target's IPv6 link-local address, when the target takes part in IPv6. */
  readonly targetV6: string | undefined;
  /** Interface name of both lab hosts (zone of link-local addresses). */
  readonly ifname: string;
}

export interface DigResult {
  readonly command: string;
  readonly status: string | undefined;
  readonly formerr: boolean;
  readonly output: string;
}

/** Everything one scenario observed. */
export interface ScenarioRun {
  readonly scenario: ScenarioName;
  readonly target: TargetName;
  readonly names: Names;
  readonly targetAddresses: ReadonlySet<string>;
  readonly testerAddresses: ReadonlySet<string>;
  readonly packets: readonly MdnsPacket[];
  readonly tester: TesterRun | undefined;
  /** Epoch ms of the script's events (`launched`, `ready`, `rename`, `down`, `up`, `stop`). */
  readonly marks: Readonly<Record<string, number>>;
  readonly dig: Readonly<Record<string, DigResult>>;
  /** Why the script could not finish, if it could not. */
  readonly error: string | undefined;
  /** What the target printed. */
  readonly output: string;
}

/** What a scenario script gets. */
export interface ScenarioContext {
  readonly lab: Lab;
  readonly h0: Host;
  readonly h1: Host;
  readonly names: Names;
  readonly spec: ServiceSpec;
  /** Start the target in h0 (once). */
  startTarget(): RunningTarget;
  /** Note the time of an event. */
  mark(name: string): void;
  /** Run the tester in h1 (at most once per scenario). */
  tester(plan: TesterPlan): Promise<TesterRun>;
  /** `dig` from h1 to the target's port 5353 (a legacy unicast resolver). */
  dig(label: string, family: 4 | 6, name: string, type: string): Promise<void>;
}

export interface Scenario {
  readonly name: ScenarioName;
  /** One line: what it does. */
  readonly about: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export const READY_TIMEOUT_MS = 30_000;
const SCENARIO_TIMEOUT_MS = 240_000;
/** avahi: avahi-publish and the daemon stop one after the other, each up to 3 s grace + kill. */
const STOP_TIMEOUT_MS = 20_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Run `scenario` against `target` publishing `spec`; never throws (failures land in `error`). */
export async function runScenario(
  scenario: Scenario,
  targetName: TargetName,
  spec: ServiceSpec,
  faults: readonly string[] = [],
): Promise<ScenarioRun> {
  const target = TARGETS[targetName];
  let lab: Lab | undefined;
  let capture: Capture | undefined;
  let running: RunningTarget | undefined;
  let tester: TesterRun | undefined;
  let error: string | undefined;
  let packets: MdnsPacket[] = [];
  const marks: Record<string, number> = {};
  const dig: Record<string, DigResult> = {};
  const svc: ServiceSpec = target.subtypes
    ? spec
    : { name: spec.name, type: spec.type, port: spec.port, txt: spec.txt };
  let names: Names | undefined;
  const targetAddresses = new Set<string>();
  const testerAddresses = new Set<string>();
  try {
    lab = await createLab({ hosts: 2 });
    const h0 = lab.host(0);
    const h1 = lab.host(1);
    for (const a of h0.interfaces.flatMap((i) => i.addresses)) targetAddresses.add(a.address);
    for (const a of h1.interfaces.flatMap((i) => i.addresses)) testerAddresses.add(a.address);
    const nic = h0.interfaces[0];
    if (nic?.ipv4 === undefined) throw new Error('h0 has no IPv4 address');
    const serviceType = `${svc.type}.local`;
    const hostLabel = hostLabelOf(targetName, h0);
    const n: Names = {
      instance: `${svc.name}.${serviceType}`,
      serviceType,
      subtype: svc.subtype ? `${svc.subtype}._sub.${serviceType}` : undefined,
      hostName: `${hostLabel}.local`,
      targetV4: nic.ipv4,
      targetV6: target.ipv6 ? nic.ipv6 : undefined,
      ifname: nic.ifname,
    };
    names = n;
    capture = await startCapture(lab.link(0), { dir: lab.dir });
    const l = lab;
    // A script that overruns its time must not go on against a destroyed lab.
    const abort = new AbortController();
    const live = (): void => {
      if (abort.signal.aborted) throw new Error(`scenario ${scenario.name} was stopped (timed out)`);
    };
    const ctx: ScenarioContext = {
      lab: l,
      h0,
      h1,
      names: n,
      spec: svc,
      startTarget: () => {
        live();
        if (running) return running;
        marks.launched = Date.now();
        running = target.start(h0, svc, { timeoutMs: READY_TIMEOUT_MS, faults });
        void running.ready.then(
          () => {
            marks.ready = Date.now();
          },
          () => undefined,
        );
        return running;
      },
      mark: (name) => {
        marks[name] = Date.now();
      },
      tester: async (plan) => {
        live();
        tester = await runTester(h1, plan);
        return tester;
      },
      dig: async (label, family, name, type) => {
        live();
        const server = family === 4 ? n.targetV4 : `${n.targetV6 ?? ''}%${n.ifname}`;
        // dig wants presentation format: the space of the instance label escaped.
        const args = [
          `-${family}`,
          '+time=2',
          '+tries=1',
          '-p',
          '5353',
          `@${server}`,
          name.replace(/ /g, '\\032'),
          type,
        ];
        const d = await h1.run('dig', args, { timeoutMs: 10_000 });
        const output = `${d.stdout}${d.stderr}`;
        dig[label] = {
          command: `dig ${args.join(' ')}`,
          status: /status: (\w+)/.exec(output)?.[1],
          formerr: /FORMERR/.test(output),
          output,
        };
      },
    };
    try {
      await withTimeout(scenario.run(ctx), SCENARIO_TIMEOUT_MS, `scenario ${scenario.name}`);
    } catch (e) {
      error = message(e);
      abort.abort();
    }
    marks.stop = Date.now();
    const r = running as RunningTarget | undefined;
    if (r)
      await withTimeout(r.stop(), STOP_TIMEOUT_MS, `${targetName} stop`).catch(
        (e: unknown) => (error ??= `stop: ${message(e)}`),
      );
    await new Promise((r2) => setTimeout(r2, 300)); // let the goodbyes reach the capture
    const file = await capture.stop();
    capture = undefined;
    packets = await readMdnsPackets(file);
  } catch (e) {
    error ??= message(e);
  } finally {
    await capture?.stop().catch(() => undefined);
    await lab?.destroy();
  }
  const r = running as RunningTarget | undefined;
  return {
    scenario: scenario.name,
    target: targetName,
    names: names ?? {
      instance: '',
      serviceType: '',
      subtype: undefined,
      hostName: '',
      targetV4: '',
      targetV6: undefined,
      ifname: '',
    },
    targetAddresses,
    testerAddresses,
    packets,
    tester,
    marks,
    dig,
    error,
    output: r?.output() ?? '',
  };
}

/** Set a lab host's link down or up from the bridge side (carrier loss, like pulling the cable). */
export async function setCarrier(ctx: ScenarioContext, up: boolean): Promise<void> {
  const nic = ctx.h0.interfaces[0];
  if (!nic) throw new Error('h0 has no interface');
  const r = await runCommand('ip', ['-n', nic.link.netns, 'link', 'set', nic.peer, up ? 'up' : 'down'], {
    timeoutMs: 5_000,
  });
  if (r.code !== 0) throw new Error(`ip link set ${nic.peer} ${up ? 'up' : 'down'}: ${r.stderr.trim()}`);
}
