/**
 * classifyResponse from a table (RFC 6762 §8.1, §9, §10.1, §6.6): what another
 * host's response means for one registration.
 */
import { describe, expect, it } from 'vitest';
import type { OwnedRecord } from '../../src/records/service-records.js';
import { prepareRecords } from '../../src/protocol/registration.js';
import type { SeenRecord } from '../../src/protocol/response-check.js';
import { classifyResponse } from '../../src/protocol/response-check.js';
import { recordKey } from '../../src/wire/canonical.js';
import type { ResourceRecord } from '../../src/wire/model.js';
import { nameKey } from '../../src/wire/name.js';
import { a, INSTANCE, ptr, srv, TYPE } from './helpers.js';

const ours: OwnedRecord[] = [
  { unique: false, record: ptr(TYPE, INSTANCE, 4500) },
  { unique: true, record: srv(INSTANCE, 8080, 'testhost.local') },
];
const prepared = prepareRecords(ours);
const seen = (record: ResourceRecord): SeenRecord => ({
  record,
  nameKey: nameKey(record.name),
  key: recordKey(record),
});
const nsec: ResourceRecord = {
  name: INSTANCE,
  type: 'NSEC',
  class: 1,
  ttl: 120,
  data: { nextDomain: INSTANCE, types: ['TXT'] },
};

describe('classifyResponse', () => {
  it.each<[string, ResourceRecord, 'probing' | 'announced', { conflict: boolean; stale: number }]>([
    [
      'other SRV data by our name while probing: conflict (§8.1)',
      srv(INSTANCE, 9999, 'other.local'),
      'probing',
      { conflict: true, stale: 0 },
    ],
    [
      'other SRV data by our name once announced: conflict (§9)',
      srv(INSTANCE, 9999, 'other.local'),
      'announced',
      { conflict: true, stale: 0 },
    ],
    [
      'a TTL-0 SRV of other data: a goodbye asserts nothing (§10.1)',
      srv(INSTANCE, 9999, 'other.local', 0),
      'announced',
      { conflict: false, stale: 0 },
    ],
    [
      'a TTL-0 SRV of other data while probing: no conflict either',
      srv(INSTANCE, 9999, 'other.local', 0),
      'probing',
      { conflict: false, stale: 0 },
    ],
    [
      'an A record by our instance name while probing: conflict (any type, §8.1)',
      a(INSTANCE, '192.0.2.77'),
      'probing',
      { conflict: true, stale: 0 },
    ],
    [
      'an A record by our instance name once announced: a type we do not hold, no conflict',
      a(INSTANCE, '192.0.2.77'),
      'announced',
      { conflict: false, stale: 0 },
    ],
    ['a peer NSEC by our name: claims nothing of ours', nsec, 'probing', { conflict: false, stale: 0 }],
    [
      'our SRV with our TTL: nothing to do',
      srv(INSTANCE, 8080, 'testhost.local'),
      'announced',
      { conflict: false, stale: 0 },
    ],
    [
      'our SRV in other letter case: the same record',
      srv(INSTANCE.toUpperCase(), 8080, 'TESTHOST.local'),
      'announced',
      { conflict: false, stale: 0 },
    ],
    [
      'our SRV with under half our TTL: stale (§6.6)',
      srv(INSTANCE, 8080, 'testhost.local', 59),
      'announced',
      { conflict: false, stale: 1 },
    ],
    [
      'our SRV as a goodbye: stale, re-announce (§6.6)',
      srv(INSTANCE, 8080, 'testhost.local', 0),
      'announced',
      { conflict: false, stale: 1 },
    ],
    [
      'our SRV as a goodbye while probing: nothing announced to refresh',
      srv(INSTANCE, 8080, 'testhost.local', 0),
      'probing',
      { conflict: false, stale: 0 },
    ],
    [
      'a record of an unrelated name',
      srv('Other._http._tcp.local', 1, 'x.local'),
      'probing',
      { conflict: false, stale: 0 },
    ],
    [
      'a shared PTR of another instance for our type',
      ptr(TYPE, 'Other._http._tcp.local', 4500),
      'announced',
      { conflict: false, stale: 0 },
    ],
  ])('%s', (_what, record, state, expected) => {
    const verdict = classifyResponse([seen(record)], {
      probing: state === 'probing',
      announced: state === 'announced',
      byKey: prepared.byKey,
      uniqueTypes: prepared.uniqueTypes,
    });
    expect({ conflict: verdict.conflict, stale: verdict.stale.length }).toEqual(expected);
  });

  it('a record repeated in one response is stale once', () => {
    const goodbye = seen(srv(INSTANCE, 8080, 'testhost.local', 0));
    const verdict = classifyResponse([goodbye, goodbye], {
      probing: false,
      announced: true,
      byKey: prepared.byKey,
      uniqueTypes: prepared.uniqueTypes,
    });
    expect(verdict.stale).toHaveLength(1);
  });
});
