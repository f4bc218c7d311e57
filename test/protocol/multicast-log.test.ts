/**
 * The multicast log (RFC 6762 §6.2 one-second rule, §5.4 quarter-TTL rule)
 * stays bounded under churn: an entry goes once nothing it could decide is
 * left — past its second and its quarter TTL, or past its second once the
 * record is no longer ours (an old TXT after updateTxt, a renamed
 * service's records). Found by the churn soak (issue 15), where the log
 * kept every record ever multicast for 75 minutes.
 */
import { describe, expect, it } from 'vitest';
import { MulticastLog, linkKey } from '../../src/protocol/multicast-log.js';
import type { Clock } from '../../src/protocol/clock.js';
import type { OwnedRecord } from '../../src/records/service-records.js';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    setTimeout: () => ({ cancel: () => undefined }),
    advance(ms: number) {
      now += ms;
    },
  };
}

const txt = (i: number, ttl = 4500): OwnedRecord => ({
  record: { name: `svc-${i}._http._tcp.local`, type: 'TXT', class: 1, ttl, data: [new TextEncoder().encode(`v=${i}`)] },
  unique: true,
});

describe('MulticastLog bounds', () => {
  const link = linkKey('eth0', 4);

  it('keeps an entry of a record still ours for its quarter TTL (§5.4), and sweeps it after', () => {
    const clock = manualClock();
    const log = new MulticastLog(clock, () => true);
    log.note(link, [txt(1)]);
    clock.advance(61_000);
    log.note(link, [txt(2)]);
    expect(log.size).toBe(2);
    expect(log.withinQuarterTtl(link, txt(1))).toBe(true);
    clock.advance(1_125_000);
    log.note(link, [txt(3)]);
    expect(log.withinQuarterTtl(link, txt(1))).toBe(false);
    expect(log.size).toBe(1);
  });

  it('sweeps the entries of records no longer ours once their second has passed', () => {
    const clock = manualClock();
    const current = new Set<string>();
    const log = new MulticastLog(clock, (_nic, owned) => current.has(owned.record.name));
    // 1,000 TXT values multicast, each replaced by the next (as updateTxt does): only the last is ours.
    for (let i = 0; i < 1_000; i++) {
      current.clear();
      current.add(txt(i).record.name);
      log.note(link, [txt(i)]);
      clock.advance(100);
    }
    clock.advance(60_000);
    log.note(link, [txt(999)]);
    expect(log.size).toBe(1);
    // §6.2 still holds for what went out within the second, ours or not.
    log.note(link, [txt(5_000)]);
    expect(log.recent(link, txt(5_000))).toBe(true);
  });
});
