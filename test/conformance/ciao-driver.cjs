// Conformance target driver for ciao (@homebridge/ciao), the Homebridge mDNS
// responder. Runs inside a lab host namespace:
//
//   node test/conformance/ciao-driver.cjs '<json>'
//
// json: {
//   name: string,               instance name, e.g. "Conformance Test"
//   type: string,               service type, "boaster-conf" (a leading "_" and a
//                               trailing "._tcp"/"._udp" are accepted and stripped)
//   protocol?: "tcp"|"udp",     default "tcp"
//   port: number,
//   txt?: {key: value},         published as "key=value" strings
//   subtype?: string,           e.g. "_conf" -> _conf._sub._boaster-conf._tcp.local
//   subtypes?: string[],        (ciao's `subtypes` option; a leading "_" is stripped)
//   hostName?: string,          host label without ".local" (ciao's `hostname`
//                               service option); default: ciao derives it from
//                               the instance name (spaces -> "-")
//   interfaces?: string[],      restrict the responder to these interfaces
//                               (ciao's `interface` option; ciao always adds "lo").
//                               Pass it in the lab: without it ciao 1.3.12 finds
//                               no veth interface ("eth0@if3" from `ip -o link`)
//                               and serves only "lo" (READY interfaces: [])
//   ipv6?: boolean,             default true: IPv6 sockets + AAAA records;
//                               false: IPv4 only, no AAAA
//   ipv4?: boolean,             default true (false: ciao `advertiseIpv4: false`)
//   lifetimeS?: number,         exits by itself (gracefully) after this; default 300
//   readyTimeoutS?: number      ERROR if advertise() has not resolved; default 60
// }
//
// stdout carries only the protocol lines (ciao's own console.log output is
// redirected to stderr):
//   READY <json>     advertise() resolved = probing finished, the first
//                    announcement is under way (ciao resolves advertise() right
//                    after probing, before its 3 announcements at 0/1/3 s)
//   RENAMED <json>   {reason:"conflict"} on ciao's "name-change" event (probe
//                    conflict; ciao renames "X" -> "X (2)" and the host
//                    "h" -> "h-(2)" together), or {reason:"manual"} when a
//                    `rename` command finished (re-probed under the new name)
//   STOPPED          after SIGTERM/SIGINT/`stop`/lifetime: goodbyes sent,
//                    sockets closed; exit code 0
//   ERROR <message>  on any failure; exit code 1
// READY/RENAMED json: {name, hostName, host, fqdn, port, addresses, interfaces[, reason, requested]}
//
// stdin commands (one per line; processed one at a time, after READY):
//   rename <new instance name>   service.updateName(): goodbyes for the old
//                                name, then probe + announce the new one
//                                (host name unchanged)
//   stop                         same as SIGTERM
'use strict';

const net = require('node:net');
const os = require('node:os');
const util = require('node:util');
const readline = require('node:readline');

// ciao prints some diagnostics with console.log/info; keep stdout for the protocol.
for (const m of ['log', 'info', 'debug']) {
  console[m] = (...args) => process.stderr.write(`${util.format(...args)}\n`);
}

const SHUTDOWN_BOUND_MS = 2_500; // below the lab's 3 s SIGTERM->SIGKILL grace

let responder;
let service;
let state = 'starting'; // starting | ready | stopping | done
let markReady;
// stdin commands run one after another, the first one only after READY.
let commandChain = new Promise((resolve) => {
  markReady = resolve;
});

function out(line) {
  process.stdout.write(`${line}\n`);
}

function bounded(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function exitAfterFlush(code) {
  // stdout is a pipe (synchronous on Linux), but wait for the write callback anyway.
  process.stdout.write('', () => process.exit(code));
  setTimeout(() => process.exit(code), 500).unref();
}

async function fail(err) {
  if (state === 'done') return;
  const wasStopping = state === 'stopping';
  state = 'done';
  const msg = err instanceof Error ? err.message : String(err);
  out(`ERROR ${msg.replace(/\s*\n\s*/g, ' ')}`);
  if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  if (responder && !wasStopping) {
    try {
      await bounded(responder.shutdown(), SHUTDOWN_BOUND_MS, 'shutdown');
    } catch {
      // ignore: we are failing anyway
    }
  }
  exitAfterFlush(1);
}

process.on('uncaughtException', (e) => void fail(e));
process.on('unhandledRejection', (e) => void fail(e));

function hostLabel(host) {
  // "conf-ciao-h0.local." -> "conf-ciao-h0"
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  const i = h.lastIndexOf('.');
  return i > 0 ? h.slice(0, i) : h;
}

function describe(extra) {
  const host = service.getHostname();
  const addresses = [];
  const interfaces = [];
  for (const [ifname, infos] of Object.entries(os.networkInterfaces())) {
    if ((infos ?? []).some((i) => i.internal)) continue; // ciao also serves "lo"; not reported
    const found = [];
    for (const get of ['aRecord', 'aaaaRecord', 'aaaaRoutableRecord', 'aaaaUniqueLocalRecord']) {
      try {
        const r = service[get](ifname); // ciao-internal accessors (@private), best effort
        if (r && r.ipAddress) found.push(r.ipAddress);
      } catch {
        // records not built yet
      }
    }
    if (found.length) {
      interfaces.push(ifname);
      addresses.push(...found);
    }
  }
  return JSON.stringify({
    name: service.name, // private field in the typings, plain property in JS
    hostName: hostLabel(host),
    host,
    fqdn: service.getFQDN(),
    port: service.getPort(),
    addresses,
    interfaces,
    ...extra,
  });
}

async function stop(why) {
  if (state === 'stopping' || state === 'done') return;
  state = 'stopping';
  process.stderr.write(`ciao-driver: stopping (${why})\n`);
  try {
    // Responder.shutdown(): cancels a running probe, sends goodbyes (TTL 0) for
    // every announced service, closes the sockets.
    if (responder) await bounded(responder.shutdown(), SHUTDOWN_BOUND_MS, 'ciao shutdown');
  } catch (e) {
    await fail(e);
    return;
  }
  state = 'done';
  out('STOPPED');
  exitAfterFlush(0);
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

function parseConfig() {
  const raw = process.argv[2];
  if (!raw) throw new Error("usage: node ciao-driver.cjs '<json>'");
  let cfg;
  try {
    cfg = JSON.parse(raw);
  } catch (e) {
    throw new Error(`bad json argument: ${e.message}`);
  }
  if (!cfg || typeof cfg !== 'object') throw new Error('json argument must be an object');
  if (typeof cfg.name !== 'string' || !cfg.name) throw new Error('"name" (string) is required');
  if (typeof cfg.type !== 'string' || !cfg.type) throw new Error('"type" (string) is required');
  if (!Number.isInteger(cfg.port) || cfg.port < 1 || cfg.port > 65535) throw new Error('"port" must be 1..65535');
  let protocol = cfg.protocol ?? 'tcp';
  let type = cfg.type.replace(/^_/, '');
  const m = type.match(/^(.*)\._(tcp|udp)$/);
  if (m) {
    type = m[1];
    if (cfg.protocol === undefined) protocol = m[2];
  }
  if (protocol !== 'tcp' && protocol !== 'udp') throw new Error('"protocol" must be "tcp" or "udp"');
  if (cfg.txt !== undefined && (typeof cfg.txt !== 'object' || cfg.txt === null || Array.isArray(cfg.txt))) {
    throw new Error('"txt" must be an object');
  }
  const subtypes = [...(cfg.subtype !== undefined ? [cfg.subtype] : []), ...(cfg.subtypes ?? [])];
  if (subtypes.some((t) => typeof t !== 'string' || !t.replace(/^_/, '')))
    throw new Error('"subtype(s)" must be non-empty strings');
  if (cfg.hostName !== undefined && (typeof cfg.hostName !== 'string' || !cfg.hostName)) {
    throw new Error('"hostName" must be a non-empty string');
  }
  if (
    cfg.interfaces !== undefined &&
    (!Array.isArray(cfg.interfaces) || cfg.interfaces.some((i) => typeof i !== 'string'))
  ) {
    throw new Error('"interfaces" must be an array of strings');
  }
  const num = (v, d, what) => {
    if (v === undefined) return d;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`"${what}" must be a positive number`);
    return v;
  };
  return {
    name: cfg.name,
    type,
    protocol,
    port: cfg.port,
    txt: cfg.txt,
    subtypes: subtypes.map((t) => t.replace(/^_/, '')),
    hostName: cfg.hostName,
    interfaces: cfg.interfaces && cfg.interfaces.length ? cfg.interfaces : undefined,
    ipv6: cfg.ipv6 ?? true,
    ipv4: cfg.ipv4 ?? true,
    lifetimeS: num(cfg.lifetimeS, 300, 'lifetimeS'),
    readyTimeoutS: num(cfg.readyTimeoutS, 60, 'readyTimeoutS'),
  };
}

function handleCommand(line) {
  const text = line.trim();
  if (!text) return;
  if (text === 'stop') {
    void stop('stdin');
    return;
  }
  const rename = text.match(/^rename\s+(.+)$/);
  if (!rename) {
    process.stderr.write(`ciao-driver: unknown command ignored: ${text}\n`);
    return;
  }
  const requested = rename[1];
  commandChain = commandChain
    .then(async () => {
      if (state !== 'ready') return;
      // CiaoService.updateName (typed @private, "used for bonjour conformance
      // testing"): end() (goodbyes) + set name + advertise() (probe, announce).
      await service.updateName(requested);
      if (state !== 'ready') return;
      out(`RENAMED ${describe({ reason: 'manual', requested })}`);
    })
    .catch((e) => fail(new Error(`rename failed: ${e && e.message ? e.message : e}`)));
}

async function main() {
  const cfg = parseConfig();
  if (cfg.interfaces) {
    const present = os.networkInterfaces();
    const missing = cfg.interfaces.filter((i) => !net.isIP(i) && !present[i]);
    if (missing.length) throw new Error(`no such interface: ${missing.join(', ')}`);
  }
  const ciao = require('@homebridge/ciao');

  const responderOptions = {};
  if (cfg.interfaces) responderOptions.interface = cfg.interfaces;
  if (cfg.ipv6)
    responderOptions.advertiseIpv6 = true; // ciao default: IPv4 sockets only
  else responderOptions.disableIpv6 = true; // no AAAA records, no IPv6-only interfaces
  if (!cfg.ipv4) responderOptions.advertiseIpv4 = false;
  responder = ciao.getResponder(responderOptions);

  const serviceOptions = {
    name: cfg.name,
    type: cfg.type,
    protocol: cfg.protocol,
    port: cfg.port,
  };
  if (cfg.txt) serviceOptions.txt = cfg.txt;
  if (cfg.subtypes.length) serviceOptions.subtypes = cfg.subtypes;
  if (cfg.hostName) serviceOptions.hostname = cfg.hostName;
  if (!cfg.ipv6) serviceOptions.disabledIpv6 = true;
  service = responder.createService(serviceOptions);

  service.on('name-change', () => {
    if (state === 'stopping' || state === 'done') return;
    out(`RENAMED ${describe({ reason: 'conflict' })}`);
  });

  // Kept referenced on purpose: the process ends at the latest here, even if
  // ciao's sockets are gone.
  setTimeout(() => void stop(`lifetime ${cfg.lifetimeS} s`), cfg.lifetimeS * 1000);

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', handleCommand);
  rl.on('close', () => undefined); // EOF on stdin: keep running

  await bounded(service.advertise(), cfg.readyTimeoutS * 1000, 'advertise()');
  if (state !== 'starting') return; // stopped while probing (advertise resolves on cancel)
  state = 'ready';
  const info = describe({});
  if (JSON.parse(info).interfaces.length === 0) {
    // e.g. no `interfaces` given in a network namespace: ciao 1.3.12 parses
    // `ip -o link show`, takes veth names like "eth0@if3" literally and then
    // finds no such interface, so it only serves "lo".
    process.stderr.write('ciao-driver: WARNING ciao advertises on no non-loopback interface (pass "interfaces")\n');
  }
  out(`READY ${info}`);
  markReady();
}

main().catch((e) => void fail(e));
