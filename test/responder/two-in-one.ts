/**
 * Two Responders in one process (run inside a lab host with tsx): both
 * publish a service of the same name; prints the names they end with, then
 * waits for SIGTERM and closes both.
 */
import { Responder } from '../../src/api/responder.js';

const first = new Responder({ hostName: 'twin-one', pollIntervalMs: 0 });
const second = new Responder({ hostName: 'twin-two', pollIntervalMs: 0 });
const spec = { name: 'Twin Service', type: '_boaster-twin._tcp', port: 7000 };
const a = await first.publish(spec);
const b = await second.publish({ ...spec, port: 7001 });
process.stdout.write(`${JSON.stringify({ names: [a.name, b.name] })}\n`);
process.on('SIGTERM', () => {
  void Promise.all([first.close(), second.close()]).then(() => process.exit(0));
});
setInterval(() => undefined, 1000);
