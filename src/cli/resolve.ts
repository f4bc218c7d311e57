/**
 * `boaster resolve NAME.local` (like `avahi-resolve -n`: `name<TAB>address`)
 * and `boaster resolve --service "Instance Name" TYPE` (host, address, port,
 * TXT). Exit codes: 0 resolved, 1 no answer in time or the sockets failed,
 * 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { Mdns } from '../api/mdns.js';
import { resolveHostLine, txtColumn } from './avahi-format.js';

export const RESOLVE_USAGE = `usage: boaster resolve [options] NAME.local
       boaster resolve [options] --service "INSTANCE NAME" TYPE
  -4                    IPv4 addresses only
  -6                    IPv6 addresses only
      --service         resolve a service instance (name as shown, TYPE e.g. _http._tcp)
      --timeout MS      give up after MS milliseconds (default 5000)
      --interface IF    interface to use, repeatable (default: all LAN interfaces)
exit status: 0 resolved, 1 no answer in time or the sockets failed, 2 bad usage`;

const OPTIONS = {
  '4': { type: 'boolean' },
  '6': { type: 'boolean' },
  service: { type: 'boolean' },
  timeout: { type: 'string' },
  interface: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function resolve(args: string[], fail: (message: string) => never): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${RESOLVE_USAGE}\n`);
    return;
  }
  if (values['4'] && values['6']) fail('-4 and -6 exclude each other');
  // Decimal digits only: Number() would take "0x10", "1e3" and " 50".
  const timeout =
    values.timeout === undefined ? 5_000 : /^[0-9]{1,9}$/.test(values.timeout) ? Number(values.timeout) : NaN;
  if (!Number.isInteger(timeout) || timeout <= 0)
    fail(`--timeout "${values.timeout}" must be a positive number of milliseconds`);
  if (values.service ? positionals.length !== 2 : positionals.length !== 1)
    fail(values.service ? '--service needs an INSTANCE NAME and a TYPE' : 'resolve needs one NAME.local');
  const mdns = new Mdns({
    ...(values.interface ? { interfaces: values.interface } : {}),
    ...(values['4'] ? { ipv6: false } : {}),
  });
  mdns.on('error', (e) => process.stderr.write(`boaster: ${e.message}\n`));
  try {
    await mdns.core.start();
    if (values.service) {
      const [name, type] = positionals as [string, string];
      const service = await mdns.resolve({ name, type }, { timeout });
      process.stdout.write(
        [
          `${service.name}.${service.type}.${service.domain}`,
          `  hostname = [${service.host}]`,
          `  address = [${service.addresses.map((a) => a.address).join(', ')}]`,
          `  port = [${service.port}]`,
          `  txt = [${txtColumn(service.txtRaw)}]`,
        ].join('\n') + '\n',
      );
    } else {
      const name = positionals[0] as string;
      const addresses = await mdns.resolveHost(name, {
        timeout,
        ...(values['4'] ? { family: 4 as const } : values['6'] ? { family: 6 as const } : {}),
      });
      process.stdout.write(`${resolveHostLine(name, addresses[0] as string)}\n`);
    }
  } catch (error) {
    process.stderr.write(`boaster: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await mdns.close();
  }
}
