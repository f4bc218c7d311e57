/**
 * The comparison benchmark's pure parts: how a dig reply is judged, how the
 * querier adapters' lines are read, RFC 6762 §5.2's query allowance, and
 * how targets are judged from results (bench/compare/).
 */
import { describe, expect, it } from 'vitest';
import { judgeDig } from '../../bench/compare/dig.js';
import { parseQuerierLines } from '../../bench/compare/peers.js';
import { doublingAllowance } from '../../bench/compare/traffic.js';
import { median } from '../../bench/compare/report.js';

const CLEAN = `
; <<>> DiG 9.18 <<>> -4 +time=2 +tries=1 -p 5353 @192.0.2.10 svc-0._bench._tcp.local SRV
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;svc-0._bench._tcp.local.\tIN\tSRV

;; ANSWER SECTION:
svc-0._bench._tcp.local. 10\tIN\tSRV\t0 0 8000 bench-boaster.local.

;; ADDITIONAL SECTION:
bench-boaster.local.\t10\tIN\tA\t192.0.2.10

;; Query time: 1 msec
`;

describe('judgeDig', () => {
  it('passes NOERROR with an answer, no warning and TTLs of at most 10 s', () => {
    const d = judgeDig('dig', CLEAN);
    expect(d).toMatchObject({ status: 'NOERROR', answers: 1, maxTtl: 10, warnings: [], clean: true });
  });

  it("is not failed by dig's own notice that .local belongs to mDNS", () => {
    const notice =
      ';; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n';
    expect(judgeDig('dig', `${notice}${CLEAN}`).clean).toBe(true);
  });

  it('fails a TTL over 10 s in any section (RFC 6762 §6.7)', () => {
    const d = judgeDig('dig', CLEAN.replace('bench-boaster.local.\t10', 'bench-boaster.local.\t4500'));
    expect(d.maxTtl).toBe(4500);
    expect(d.clean).toBe(false);
  });

  it('fails FORMERR and time-outs', () => {
    expect(judgeDig('dig', ';; Got bad packet: FORMERR\n').clean).toBe(false);
    const t = judgeDig(
      'dig',
      ';; communications error to 192.0.2.10#5353: timed out\n;; no servers could be reached\n',
    );
    expect(t.warnings).toHaveLength(2);
    expect(t.clean).toBe(false);
  });
});

describe('parseQuerierLines', () => {
  it('keeps the first found and resolved of each instance and the last lost', () => {
    const e = parseQuerierLines(
      [
        'started 1000',
        'found svc-0 1010',
        'found svc-0 1500',
        'resolved svc-0 1020 8000 0000000100000000 192.0.2.11',
        'resolved svc-0 1600 9 x 192.0.2.99',
        'lost svc-0 2000',
        'noise',
      ].join('\n'),
    );
    expect(e.startedAt).toBe(1000);
    expect(e.found.get('svc-0')).toBe(1010);
    expect(e.resolved.get('svc-0')).toEqual({ at: 1020, port: 8000, hwid: '0000000100000000', ipv4: '192.0.2.11' });
    expect(e.lost.get('svc-0')).toBe(2000);
  });
});

describe('doublingAllowance', () => {
  it('counts the queries at 0, 1, 3, 7, 15 … s inside the window, plus one for jitter', () => {
    // Schedule from 0: 0, 1, 3, 7, 15, 31, 63, 127, 255 s — in [10 s, 300 s]: 15, 31, 63, 127, 255.
    expect(doublingAllowance(0, 10_000, 300_000)).toBe(5 + 1);
    expect(doublingAllowance(0, 0, 0)).toBe(1 + 1);
  });
});

describe('median', () => {
  it('ignores missing runs and averages the middle pair', () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null])).toBeNull();
  });
});
