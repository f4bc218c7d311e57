/**
 * What a querier does with what it hears, and what it does when asked for
 * nothing: a goodbye (TTL 0, RFC 6762 §10.1) makes the instance go within
 * about a second; records with the cache-flush bit replace the rest of
 * their set a second later (§10.2); a cached PTR that others' queries keep
 * asking for while nobody answers goes within ten seconds (§10.5, POOF);
 * and a stack that browses nothing sends no queries (§5: queries are for
 * answers someone wants).
 */
import { FLUSH, KNOWN, IDLE_FROM_MS, IDLE_MS, POOF, POOF_WINDOW_MS } from './scenarios.js';
import { QUERIERS, type Report } from './targets.js';
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
    if (sent === undefined)
      return result(
        this.name,
        'NA',
        '-',
        'the responder never sent the goodbye (the target sent < 5 PTR queries?)',
        run,
      );
    if (!up)
      return result(
        this.name,
        'NA',
        '-',
        `the target never reported ${KNOWN.label} found, so its going cannot be judged`,
        run,
      );
    const down = run.reports.find((r) => r.kind === 'down' && r.name === KNOWN.label && r.at >= up.at);
    const about = `a TTL-0 PTR for ${KNOWN.label}; time until the target reported it gone (boaster: down event, avahi: "-;" line as read, zeroconf: remove callback); PASS within ${GOODBYE_MAX_MS} ms`;
    if (!down)
      return result(
        this.name,
        'FAIL',
        'never',
        `${about}: never reported gone (watched ${ms(run.responder ? run.responder.end - sent : 0)} ms)`,
        run,
      );
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
    if (run.stoppedAt < to)
      return result(
        this.name,
        'NA',
        `${queries.length}`,
        `${about}: the run stopped ${ms(to - run.stoppedAt)} ms early`,
        run,
      );
    return result(
      this.name,
      queries.length === 0 ? 'PASS' : 'FAIL',
      `${queries.length} queries/${IDLE_MS / 1000}s`,
      about,
      run,
    );
  },
};

/** §10.2: the old records go one second after the cache-flush ones; shown within two. */
export const FLUSH_SHOWN_MS = 2000;
/** A report this long after the flush must not show the old records any more (§10.2's second + slack). */
export const FLUSH_STALE_AFTER_MS = 1500;

const shows = (r: Report): string =>
  `TXT ${JSON.stringify(r.txt ?? [])}, addresses ${JSON.stringify(r.addresses ?? [])}`;
const isNew = (r: Report): boolean =>
  (r.txt ?? []).includes(FLUSH.txtAfter) &&
  !(r.txt ?? []).includes(FLUSH.txtBefore) &&
  (r.addresses ?? []).length === 1 &&
  r.addresses?.[0] === FLUSH.after;
const showsOld = (r: Report): boolean =>
  (r.txt ?? []).includes(FLUSH.txtBefore) || (r.addresses ?? []).includes(FLUSH.before);

export const cacheFlush: QuerierCase = {
  name: 'cache-flush',
  rfc: 'RFC 6762 §10.2',
  scenario: 'cache-flush',
  judge(run) {
    const first = sendOf(run, 'announce-C');
    const flushed = sendOf(run, 'flush-C');
    const about = `${FLUSH.label} announced with TXT ${FLUSH.txtBefore} and its host at ${FLUSH.before}, then again with cache-flush records: TXT ${FLUSH.txtAfter}, the host at ${FLUSH.after} only; PASS when what the target shows of it within ${FLUSH_SHOWN_MS} ms is the new TXT and the new address alone, and nothing it shows after ${FLUSH_STALE_AFTER_MS} ms holds the old`;
    if (first === undefined || flushed === undefined)
      return result(this.name, 'NA', '-', `${about}: the responder never sent both announcements`, run);
    const seen = run.reports.filter((r) => r.kind === 'seen' && r.name === FLUSH.label);
    if (!seen.some((r) => r.at < flushed))
      return result(this.name, 'NA', '-', `${about}: the target never showed ${FLUSH.label} before the flush`, run);
    const after = seen.filter((r) => r.at >= flushed);
    const follows = QUERIERS[run.target].followsChanges;
    if (after.length === 0 && follows !== true)
      return result(this.name, 'NA', 'not shown', `${about}: it showed nothing after the flush (${follows})`, run);
    const stale = after.find((r) => r.at - flushed > FLUSH_STALE_AFTER_MS && showsOld(r));
    if (stale)
      return result(
        this.name,
        'FAIL',
        'stale',
        `${about}: ${ms(stale.at - flushed)} ms after the flush it showed ${shows(stale)}`,
        run,
      );
    const inTime = after.filter((r) => r.at - flushed <= FLUSH_SHOWN_MS);
    const last = inTime[inTime.length - 1];
    if (!last)
      return result(
        this.name,
        'FAIL',
        'never',
        `${about}: nothing shown within ${FLUSH_SHOWN_MS} ms of the flush${after[0] ? ` (first at ${ms(after[0].at - flushed)} ms: ${shows(after[0])})` : ''}`,
        run,
      );
    return result(
      this.name,
      isNew(last) ? 'PASS' : 'FAIL',
      `${ms(last.at - flushed)}ms`,
      `${about}: last shown ${ms(last.at - flushed)} ms after it: ${shows(last)}`,
      run,
    );
  },
};

/** Slack on §10.5's ten seconds, for timers and reading the target's output. */
export const POOF_SLACK_MS = 1500;

export const poof: QuerierCase = {
  name: 'poof',
  rfc: 'RFC 6762 §10.5',
  scenario: 'poof',
  judge(run) {
    const asks = [sendOf(run, 'ask-1'), sendOf(run, 'ask-2')];
    const [ask1, ask2] = asks;
    const up = run.reports.find((r) => r.kind === 'up' && r.name === POOF.label);
    const about = `${POOF.label}'s PTR (TTL ${POOF.ptrTtl} s) announced, then no answer to two QM queries for the type that did not list it (${ask1 !== undefined && ask2 !== undefined ? ms(ask2 - ask1) : '?'} ms apart, from the other host); PASS when the target reports it gone after the second and within ${POOF_WINDOW_MS / 1000} s of it (+ ${POOF_SLACK_MS} ms)`;
    if (ask1 === undefined || ask2 === undefined)
      return result(this.name, 'NA', '-', `${about}: the responder never sent both queries`, run);
    if (!up || up.at > ask1)
      return result(
        this.name,
        'NA',
        '-',
        `${about}: the target had not reported ${POOF.label} found before the first query`,
        run,
      );
    const down = run.reports.find((r) => r.kind === 'down' && r.name === POOF.label);
    if (!down)
      return result(
        this.name,
        'FAIL',
        'never',
        `${about}: never reported gone (watched until ${ms((run.responder?.end ?? ask2) - ask2)} ms after the second query)`,
        run,
      );
    const d = down.at - ask2;
    if (d < 0)
      return result(
        this.name,
        'FAIL',
        `${ms(d)}ms`,
        `${about}: reported gone ${ms(-d)} ms before the second query`,
        run,
      );
    return result(
      this.name,
      d <= POOF_WINDOW_MS + POOF_SLACK_MS ? 'PASS' : 'FAIL',
      `${ms(d)}ms`,
      `${about}: gone ${ms(d)} ms after the second query`,
      run,
    );
  },
};
