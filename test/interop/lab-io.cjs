// Shared plumbing of the interop helper scripts (run inside lab hosts with
// plain Node): JSON-line output, a "go" line on stdin carrying the epoch at
// which to act, a hard lifetime bound, and a check that the address given is
// a real (non-loopback) interface address of this namespace.
'use strict';
const os = require('node:os');

/** Never live longer than this, whatever the config says. */
const MAX_LIFETIME_MS = 60_000;

function out(o) {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

function config() {
  const cfg = JSON.parse(process.argv[2] || '{}');
  const t = setTimeout(() => {
    out({ kind: 'error', error: 'lifetime exceeded' });
    process.exit(2);
  }, MAX_LIFETIME_MS);
  t.unref();
  return cfg;
}

/** The interface owning `address`; throws when it is missing or is a loopback. */
function labInterface(address) {
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs || []) {
      if (a.address !== address) continue;
      if (a.internal) throw new Error(`${address} is on the loopback interface ${name}`);
      return name;
    }
  }
  throw new Error(`no interface has ${address}`);
}

/** All interfaces of the namespace, for the record. */
function interfaces() {
  return Object.fromEntries(
    Object.entries(os.networkInterfaces()).map(([n, as]) => [n, (as || []).map((a) => a.address)]),
  );
}

/** Resolves with the JSON object of the first line on stdin. */
function waitForGo() {
  return new Promise((resolve, reject) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      process.stdin.pause();
      try {
        resolve(JSON.parse(buf.slice(0, i)));
      } catch (e) {
        reject(e);
      }
    });
    process.stdin.on('end', () => reject(new Error('stdin closed before the go line')));
  });
}

function sleepUntil(epochMs) {
  return new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())));
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function fail(err) {
  out({ kind: 'error', error: err && err.stack ? err.stack : String(err) });
  process.exit(1);
}

module.exports = { MAX_LIFETIME_MS, out, config, labInterface, interfaces, waitForGo, sleepUntil, sleep, fail };
