/**
 * The announcer's service files: the systemd unit passes `systemd-analyze
 * verify` and carries the start, reload and stop the daemon expects
 * (SIGHUP reloads, SIGTERM sends goodbyes) with its hardening; the OpenRC
 * script is valid shell with the same signals.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../examples/hypervisor-announcer/service/', import.meta.url));
const unit = readFileSync(`${dir}boaster-announcer.service`, 'utf8');
const openrc = readFileSync(`${dir}boaster-announcer.openrc`, 'utf8');

const settings = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((l) => /^[A-Za-z]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('service files', () => {
  it('systemd: verified, the bundle started with its config, SIGHUP to reload, SIGTERM to stop, hardened', () => {
    execFileSync('systemd-analyze', ['verify', `${dir}boaster-announcer.service`], { stdio: 'pipe' });
    const s = settings(unit);
    expect(s.get('ExecStart')).toBe(
      '/usr/bin/node /opt/boaster/hypervisor-announcer.mjs --config /etc/boaster/announcer.toml',
    );
    expect(s.get('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(s.get('KillSignal')).toBe('SIGTERM');
    const hardening: [string, string][] = [
      ['DynamicUser', 'yes'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['RestrictNamespaces', 'yes'],
      ['CapabilityBoundingSet', 'CAP_DAC_READ_SEARCH'],
    ];
    for (const [key, value] of hardening) expect(s.get(key), key).toBe(value);
  });

  it('OpenRC: valid shell, the same command, reload by SIGHUP, stop by SIGTERM', () => {
    execFileSync('sh', ['-n', `${dir}boaster-announcer.openrc`]);
    expect(openrc.startsWith('#!/sbin/openrc-run\n')).toBe(true);
    expect(openrc).toContain(
      'command_args="/opt/boaster/hypervisor-announcer.mjs --config /etc/boaster/announcer.toml"',
    );
    expect(openrc).toContain('start-stop-daemon --signal HUP --pidfile "${pidfile}"');
    expect(openrc).toContain('retry="SIGTERM/10/SIGKILL/5"');
  });
});
