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

/** What is published: the config's services with the host's TXT. */
async function specsFor(config: AnnouncerConfig, dhcp: DhcpView): Promise<ServiceSpec[]> {
  const [identity, facts] = await Promise.all([readHostIdentity(), detectHypervisor(realHostView)]);
  const label = config.hostName ?? os.hostname().split('.')[0] ?? 'hypervisor';
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
    const label = config.hostName ?? os.hostname().split('.')[0] ?? 'hypervisor';
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
  let services: Service[] = [];
  const publishAll = async (): Promise<void> => {
    services = specs.map((spec) => {
      const service = mdns.responder.register(spec);
      service.on('renamed', (from, to) => log('renamed', { type: spec.type, from, to }));
      return service;
    });
    for (const s of services) {
      await s.announced;
      log('announced', { name: s.name, type: s.type, port: s.port, host: mdns.responder.hostName });
    }
  };
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    clearInterval(poll);
    void mdns.close().then(() => {
      log('stopped', { goodbyes: 'sent' });
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    void (async () => {
      try {
        const next = await loadConfig(flags);
        config = next;
        specs = await specsFor(config, dhcp);
        for (const s of services) await s.stop();
        await publishAll();
        log('reloaded', { services: specs.length });
      } catch (error) {
        log('reload-failed', { message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  // The lease can change under us: the TXT fields that carry the address follow.
  const poll = setInterval(() => {
    void (async () => {
      const now = await detectDhcp(realHostView, { interface: dhcp.interface as string });
      if (sameAddresses(now, dhcp) || stopping) return;
      log('address-changed', {
        from: dhcp.addresses.map((a) => a.address),
        to: now.addresses.map((a) => a.address),
        source: now.summary,
      });
      dhcp = now;
      specs = await specsFor(config, dhcp);
      for (const [i, s] of services.entries()) if (s.state !== 'stopped') s.updateTxt(specs[i]?.txt ?? {});
    })().catch((error: unknown) => log('poll-failed', { message: String(error) }));
  }, config.pollMs);
  // The VMs: one service each, following the inventory (watched, and read again every pollMs).
  const vmServices = new VmServices(mdns, config.hostName ?? os.hostname().split('.')[0] ?? 'hypervisor', log);
  let lastInventory = '';
  const readVms = async (): Promise<void> => {
    const read = await readInventory(realHostView, config.vms);
    const key = JSON.stringify([...read.vms].sort((a, b) => a.uuid.localeCompare(b.uuid)));
    if (key === lastInventory || stopping) return;
    lastInventory = key;
    for (const p of read.problems) log('vm-inventory-problem', { message: p });
    await vmServices.sync(read.vms);
    log('vms', { count: vmServices.size });
  };
  const hasInventory = Boolean(config.vms.file || config.vms.dir || config.vms.virsh);
  const stopWatching = hasInventory
    ? watchInventory(
        config.vms,
        config.pollMs,
        () => void readVms().catch((e: unknown) => log('vm-inventory-problem', { message: String(e) })),
      )
    : () => undefined;
  process.on('exit', stopWatching);
  try {
    await publishAll();
    if (hasInventory) await readVms();
  } catch (error) {
    if (stopping) return;
    log('error', { message: error instanceof Error ? error.message : String(error) });
    clearInterval(poll);
    await mdns.close();
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`announcer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
