/**
 * The hypervisor announcer: finds this host's DHCP-assigned addresses and
 * hardware identity, publishes the configured services with both in TXT,
 * and follows the address (a new lease, a renewal with another address, a
 * link change): boaster re-announces the addresses and says goodbye to the
 * old ones by itself; the announcer updates the TXT fields that carry them.
 * SIGTERM and SIGINT send goodbyes and exit 0; SIGHUP reloads the config.
 * One log line per event (`--log-json` for JSON).
 *
 *   announcer [--config FILE.json|FILE.toml] [--interface IF] [--host NAME]
 *             [--poll-ms N] [--log-json] [--dry-run]
 *
 * Exit codes: 0 stopped by a signal (goodbyes sent) or --dry-run done,
 * 1 it could not publish, 2 bad usage or configuration.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Mdns, previewRecords, readHostIdentity, type Service, type ServiceSpec } from 'boaster';
import { readInterfaces, selectInterfaces } from 'boaster/transport';
import { ConfigError, checkConfig, parseConfig, type AnnouncerConfig } from './config.js';
import { detectDhcp, type DhcpView } from './dhcp-source.js';
import { hostTxt } from './host-txt.js';
import { realHostView } from './host-view.js';
import { detectHypervisor } from './hypervisor.js';
import { makeLog, type Log } from './log.js';
import { readInventory, watchInventory } from './vm-inventory.js';
import { VmServices, vmSpec } from './vm-services.js';

const USAGE = `usage: announcer [--config FILE] [--interface IF] [--host NAME] [--poll-ms N] [--log-json] [--dry-run]
                 [--vms-file FILE.json] [--vms-dir DIR] [--virsh]
exit status: 0 stopped by a signal (goodbyes sent) or dry run done, 1 could not publish, 2 bad usage or configuration`;

const OPTIONS = {
  config: { type: 'string' },
  interface: { type: 'string' },
  host: { type: 'string' },
  'poll-ms': { type: 'string' },
  'log-json': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'vms-file': { type: 'string' },
  'vms-dir': { type: 'string' },
  virsh: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): never {
  process.stderr.write(`announcer: ${message}\n${USAGE}\n`);
  process.exit(2);
}

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** The file's configuration (or the defaults), with the flags over it. */
async function loadConfig(flags: Flags): Promise<AnnouncerConfig> {
  const base =
    flags.config === undefined ? checkConfig({}) : parseConfig(await readFile(flags.config, 'utf8'), flags.config);
  const poll = flags['poll-ms'];
  if (poll !== undefined && !/^[0-9]+$/.test(poll))
    throw new ConfigError(`--poll-ms "${poll}" must be a whole number of ms`);
  return checkConfig({
    ...base,
    ...(flags.interface !== undefined ? { interface: flags.interface } : {}),
    ...(flags.host !== undefined ? { hostName: flags.host } : {}),
    ...(poll !== undefined ? { pollMs: Number(poll) } : {}),
    ...(flags['log-json'] ? { logJson: true } : {}),
    ...(flags['vms-file'] !== undefined || flags['vms-dir'] !== undefined || flags.virsh
      ? {
          vms: {
            ...base.vms,
            ...(flags['vms-file'] ? { file: flags['vms-file'] } : {}),
            ...(flags['vms-dir'] ? { dir: flags['vms-dir'] } : {}),
            ...(flags.virsh ? { virsh: true } : {}),
          },
        }
      : {}),
  });
}

/** The host label the config names, else this machine's. */
const hostLabelOf = (config: AnnouncerConfig): string => config.hostName ?? os.hostname().split('.')[0] ?? 'hypervisor';

/** What is published: the config's services with the host's TXT. */
async function specsFor(config: AnnouncerConfig, dhcp: DhcpView): Promise<ServiceSpec[]> {
  const [identity, facts] = await Promise.all([readHostIdentity(), detectHypervisor(realHostView)]);
  const label = hostLabelOf(config);
  return config.services.map((s) => ({
    name: s.name ?? label,
    type: s.type,
    port: s.port,
    txt: hostTxt(identity, dhcp.mac, facts, dhcp.addresses, s.txt),
  }));
}

const sameAddresses = (a: DhcpView, b: DhcpView): boolean =>
  a.interface === b.interface && a.addresses.map((x) => x.address).join() === b.addresses.map((x) => x.address).join();

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (flags.help) return void process.stdout.write(`${USAGE}\n`);
  let config: AnnouncerConfig;
  try {
    config = await loadConfig(flags);
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const log: Log = makeLog(config.logJson);
  let dhcp = await detectDhcp(realHostView, config.interface === undefined ? {} : { interface: config.interface });
  log('addresses', {
    interface: dhcp.interface,
    addresses: dhcp.addresses.map((a) => a.address),
    source: dhcp.summary,
  });
  let specs = await specsFor(config, dhcp);

  if (flags['dry-run']) {
    const label = hostLabelOf(config);
    // The interface's addresses as boaster's transport reads them (link-local ones too), and the records as the
    // responder would announce them there, from the library's own code; nothing is sent.
    const nic = selectInterfaces(await readInterfaces(), { interfaces: dhcp.interface ? [dhcp.interface] : [] })[0];
    const addresses = nic?.addresses ?? dhcp.addresses;
    const vms =
      config.vms.file || config.vms.dir || config.vms.virsh ? (await readInventory(realHostView, config.vms)).vms : [];
    const all = [...specs, ...vms.map((vm) => vmSpec(vm, label))];
    for (const r of previewRecords({ hostName: label, addresses, interfaceName: dhcp.interface ?? 'eth0' }, all)) {
      const data = r.type === 'TXT' ? r.data.map((b) => Buffer.from(b).toString('utf8')) : r.data;
      process.stdout.write(
        `${r.name}\t${r.ttl}\t${r.cacheFlush ? 'flush' : 'shared'}\t${r.type}\t${JSON.stringify(data)}\n`,
      );
    }
    return;
  }
  if (!dhcp.interface) {
    log('error', { message: 'no interface to announce on' });
    process.exitCode = 1;
    return;
  }

  // Addresses are read again each second: a changed one is announced (and the old one said goodbye to) within 2 s.
  const mdns = new Mdns({
    interfaces: [dhcp.interface],
    pollIntervalMs: config.pollMs,
    ...(config.hostName ? { hostName: config.hostName } : {}),
  });
  mdns.on('error', (e) => log('mdns-error', { code: e.code, message: e.message }));
  const announcing = dhcp.interface;
  const hostLabel = (): string => mdns.responder.hostName.replace(/\.local$/, '');
  // Reloads, address changes and inventory reads run one at a time, in order, so none undoes another.
  let queue: Promise<void> = Promise.resolve();
  const serial = (what: string, work: () => Promise<void>): void => {
    queue = queue
      .then(work)
      .catch((e: unknown) => log(`${what}-failed`, { message: e instanceof Error ? e.message : String(e) }));
  };
  let services: Service[] = [];
  const register = (list: readonly ServiceSpec[]): Service[] =>
    list.map((spec) => {
      const service = mdns.responder.register(spec);
      service.on('renamed', (from, to) => log('renamed', { type: spec.type, from, to }));
      return service;
    });
  const announceAll = async (list: readonly Service[]): Promise<void> => {
    for (const s of list) {
      await s.announced;
      log('announced', { name: s.name, type: s.type, port: s.port, host: mdns.responder.hostName });
    }
  };
  let stopping = false;
  let stopWatching = (): void => undefined;
  const stop = (signal: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    clearInterval(poll);
    stopWatching();
    void mdns.close().then(() => {
      log('stopped', { goodbyes: 'sent' });
      process.exit(code);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // SIGHUP: the services are read again from the config (the interface, host name, poll and inventory paths need a
  // restart). The new ones are checked before the old ones go, so a bad config leaves what runs as it is.
  process.on('SIGHUP', () =>
    serial('reload', async () => {
      const next = await loadConfig(flags);
      const nextSpecs = await specsFor(next, dhcp);
      previewRecords({ hostName: hostLabel(), addresses: dhcp.addresses }, nextSpecs);
      const kept = ['interface', 'hostName', 'pollMs', 'logJson', 'vms'] as const;
      const restart = kept.filter((k) => JSON.stringify(next[k]) !== JSON.stringify(config[k]));
      await Promise.all(services.map((s) => s.stop()));
      config = { ...config, services: next.services };
      specs = nextSpecs;
      services = register(specs);
      log('reloaded', { services: specs.length, ...(restart.length > 0 ? { 'restart-needed-for': restart } : {}) });
      await announceAll(services);
    }),
  );
  // The lease can change under us: the TXT fields that carry the address follow. One read at a time; a read that
  // finds no interface (ip failing, the link gone a moment) changes nothing.
  let polling = false;
  const poll = setInterval(() => {
    if (polling || stopping) return;
    polling = true;
    void detectDhcp(realHostView, { interface: announcing })
      .then((now) => {
        if (now.interface === undefined || sameAddresses(now, dhcp)) return;
        serial('address-change', async () => {
          log('address-changed', {
            from: dhcp.addresses.map((a) => a.address),
            to: now.addresses.map((a) => a.address),
            source: now.summary,
          });
          const nextSpecs = await specsFor(config, now);
          for (const [i, s] of services.entries()) if (s.state !== 'stopped') s.updateTxt(nextSpecs[i]?.txt ?? {});
          // Only once the TXT went out: a failure is tried again at the next poll.
          dhcp = now;
          specs = nextSpecs;
        });
      })
      .catch((error: unknown) => log('poll-failed', { message: String(error) }))
      .finally(() => {
        polling = false;
      });
  }, config.pollMs);
  // The VMs: one service each, following the inventory (watched, and read again every pollMs). A read with a
  // problem (a file half-written, virsh failing) keeps the VMs as they were rather than withdraw them all.
  const vmServices = new VmServices(mdns, hostLabel, log);
  let lastInventory = '';
  let reading = false;
  const readVms = async (): Promise<void> => {
    if (reading || stopping) return;
    reading = true;
    try {
      const read = await readInventory(realHostView, config.vms);
      if (read.problems.length > 0) {
        for (const p of read.problems) log('vm-inventory-problem', { message: p });
        return;
      }
      const key = JSON.stringify([...read.vms].sort((a, b) => a.uuid.localeCompare(b.uuid)));
      if (key === lastInventory) return;
      lastInventory = key;
      await vmServices.sync(read.vms);
      log('vms', { count: vmServices.size });
    } finally {
      reading = false;
    }
  };
  const hasInventory = Boolean(config.vms.file || config.vms.dir || config.vms.virsh);
  if (hasInventory) {
    stopWatching = watchInventory(
      config.vms,
      config.pollMs,
      () => void readVms().catch((e: unknown) => log('vm-inventory-problem', { message: String(e) })),
    );
  }
  try {
    services = register(specs);
    await announceAll(services);
    if (hasInventory) await readVms();
  } catch (error) {
    // STOPPED: a reload replaced these services while they were being announced (the reload announces the new ones).
    if (stopping || (error as { code?: unknown }).code === 'STOPPED') return;
    log('error', { message: error instanceof Error ? error.message : String(error) });
    // Exit 1 (a service manager restarts it), with goodbyes for whatever did go out.
    stop('error', 1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`announcer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
