// avahi-browse querier adapter of the comparison benchmark (README.md beside
// it says the line protocol): runs `avahi-browse -r -p -k <type>` (the
// avahi-daemon of this lab host does the querying; DBUS_SYSTEM_BUS_ADDRESS
// comes from the harness) and stamps its lines as they arrive: `+` → found,
// `=` (IPv4) → resolved, `-` → lost. Prints `pid <avahi-browse pid>` first,
// so the harness can read that process's memory too.
'use strict';
const { spawn } = require('node:child_process');
const readline = require('node:readline');

const cfg = JSON.parse(process.argv[2]);
const say = (line) => process.stdout.write(`${line}\n`);
const child = spawn('avahi-browse', ['-r', '-p', '-k', cfg.type], { stdio: ['ignore', 'pipe', 'inherit'] });
const life = setTimeout(() => (say(`expired ${Date.now()}`), child.kill('SIGTERM'), process.exit(4)), cfg.maxLifeMs);
say(`pid ${child.pid}`);
say(`started ${Date.now()}`);
child.on('exit', (code) => {
  clearTimeout(life);
  process.exit(code === null ? 0 : code);
});
process.on('SIGTERM', () => child.kill('SIGTERM'));
// -p fields: event;interface;protocol;name;type;domain[;host;address;port;txt]
readline.createInterface({ input: child.stdout }).on('line', (line) => {
  const f = line.split(';');
  const now = Date.now();
  if (f[0] === '+') say(`found ${f[3]} ${now}`);
  else if (f[0] === '-') say(`lost ${f[3]} ${now}`);
  else if (f[0] === '=' && f[2] === 'IPv4') {
    const hw = /"hwid=([^"]*)"/.exec(f[9] ?? '');
    say(`resolved ${f[3]} ${now} ${f[8]} ${hw ? hw[1] : '-'} ${f[7]}`);
  }
});
