/**
 * What a querier does with what it hears, and what it does when asked for
 * nothing: a goodbye (TTL 0, RFC 6762 §10.1) makes the instance go within
 * about a second, and a stack that browses nothing sends no queries (§5:
 * queries are for answers someone wants).
 */
import { KNOWN, IDLE_FROM_MS, IDLE_MS } from './scenarios.js';
import { ms, result, sendOf, type QuerierCase } from './common.js';

/** §10.1: deleted one second after the goodbye; reported gone within two. */
export const GOODBYE_MAX_MS = 2000;

export const goodbye: QuerierCase = {
  name: 'goodbye',
  rfc: 'RFC 6762 §10.1',
  scenario: 'schedule',
  judge(run) {
    const sent = sendOf(run, 'goodbye-K');
    const up = run.reports.find((r) => r.kind === 'up' && r.name === KNOWN.label);
    if (sent === undefined) return result(this.name, 'NA', '-', 'the responder never sent the goodbye (the target sent < 5 PTR queries?)', run);
    if (!up) return result(this.name, 'NA', '-', `the target never reported ${KNOWN.label} found, so its going cannot be judged`, run);
    const down = run.reports.find((r) => r.kind === 'down' && r.name === KNOWN.label && r.at >= up.at);
    const about = `a TTL-0 PTR for ${KNOWN.label}; time until the target reported it gone (boaster: down event, avahi: "-;" line as read, zeroconf: remove callback); PASS within ${GOODBYE_MAX_MS} ms`;
    if (!down) return result(this.name, 'FAIL', 'never', `${about}: never reported gone (watched ${ms(run.responder ? run.responder.end - sent : 0)} ms)`, run);
    const d = down.at - sent;
    if (d < 0) return result(this.name, 'FAIL', `${ms(d)}ms`, `${about}: reported gone before the goodbye`, run);
    return result(this.name, d <= GOODBYE_MAX_MS ? 'PASS' : 'FAIL', `${ms(d)}ms`, about, run);
  },
};

export const idleSilence: QuerierCase = {
  name: 'idle-silence',
  rfc: 'RFC 6762 §5',
  scenario: 'suppression',
  judge(run) {
    if (run.idleOrigin === undefined) return result(this.name, 'NA', '-', 'the idle stack never started', run);
    const from = run.idleOrigin + IDLE_FROM_MS;
    const to = from + IDLE_MS;
    const own = run.packets.filter((p) => run.idleAddresses.has(p.src) && p.at >= from && p.at < to);
    const queries = own.filter((p) => p.msg !== undefined && !p.msg.flag_qr);
    const about = `the target's stack in a third host, browsing nothing, while the suppression scenario ran beside it; queries it sent (IPv4 and IPv6) in ${IDLE_MS / 1000} s from ${IDLE_FROM_MS} ms after it was ready (responses: ${own.length - queries.length}, not judged)`;
    if (run.stoppedAt < to) return result(this.name, 'NA', `${queries.length}`, `${about}: the run stopped ${ms(to - run.stoppedAt)} ms early`, run);
    return result(this.name, queries.length === 0 ? 'PASS' : 'FAIL', `${queries.length} queries/${IDLE_MS / 1000}s`, about, run);
  },
};
