/**
 * Every protocol constant boaster uses, in one place, named after the words
 * of the RFC that sets it. Change a value here and it changes everywhere.
 */

/** RFC 6762 §3: the mDNS UDP port. */
export const MDNS_PORT = 5353;
/** RFC 6762 §3: the IPv4 mDNS link-local multicast group. */
export const MDNS_IPV4_GROUP = '224.0.0.251';
/** RFC 6762 §3: the IPv6 mDNS link-local multicast group. */
export const MDNS_IPV6_GROUP = 'ff02::fb';

/** RFC 1035 §2.3.4: a label is at most 63 bytes. */
export const MAX_LABEL_BYTES = 63;
/** RFC 1035 §2.3.4: a name on the wire (length bytes and root included) is at most 255 bytes. */
export const MAX_NAME_BYTES = 255;
/** RFC 1035 §4.1.1: size of the DNS message header. */
export const DNS_HEADER_BYTES = 12;
/** RFC 1035 §4.1.4: compression pointers hold a 14-bit offset. */
export const MAX_COMPRESSION_OFFSET = 0x3fff;
/**
 * Upper bound on compression pointers followed within one name. A legal
 * 255-byte name has at most 127 labels, so a longer chain is hostile.
 */
export const MAX_COMPRESSION_JUMPS = 127;
/** RFC 1035 §3.3: a character-string is at most 255 bytes. */
export const MAX_CHARACTER_STRING_BYTES = 255;

/**
 * RFC 6762 §17: an mDNS packet, IP and UDP headers included, MUST NOT exceed
 * 9000 bytes. boaster applies the limit to the DNS payload, which is stricter.
 */
export const MAX_MDNS_PACKET_BYTES = 9000;
/**
 * RFC 6763 §6.2: TXT data should stay under 1,300 bytes and must fit in one
 * mDNS packet (RFC 6762 §17: 9,000 bytes with the headers and the other
 * records); boaster refuses more than this many bytes of TXT RDATA.
 */
export const MAX_TXT_RDATA_BYTES = 8900;
/** RFC 791: IPv4 header without options. */
export const IPV4_HEADER_BYTES = 20;
/** RFC 8200: fixed IPv6 header. */
export const IPV6_HEADER_BYTES = 40;
/** RFC 768: UDP header. */
export const UDP_HEADER_BYTES = 8;
/** The Ethernet MTU assumed when an interface's MTU is unknown. */
export const DEFAULT_MTU = 1500;

/** RFC 1035 §4.1.1 header flag: this message is a response (QR). */
export const FLAG_RESPONSE = 0x8000;
/** RFC 1035 §4.1.1 header flag: authoritative answer (AA); RFC 6762 §18.4 sets it in responses. */
export const FLAG_AUTHORITATIVE = 0x0400;
/** RFC 1035 §4.1.1 header flag: truncated (TC); RFC 6762 §7.2 uses it for multi-packet known answers. */
export const FLAG_TRUNCATED = 0x0200;
/** RFC 6762 §5.4: top bit of a question's class asks for a unicast response (QU). */
export const QU_BIT = 0x8000;
/** RFC 6762 §10.2: top bit of a record's class is the cache-flush bit. */
export const CACHE_FLUSH_BIT = 0x8000;
/** RFC 1035 §3.2.4: the Internet class. */
export const CLASS_IN = 1;
/** RFC 1035 §3.2.5: QCLASS matching any class. */
export const CLASS_ANY = 255;

/** RFC 2181 §8: a TTL is a 31-bit value; one with the top bit set means 0. */
export const MAX_TTL = 0x7fffffff;
/** RFC 6762 §10: TTL of records that carry a host name (A, AAAA, SRV, HINFO, reverse PTR). */
export const HOST_NAME_TTL = 120;
/** RFC 6762 §10: TTL of other records (PTR, TXT). */
export const OTHER_TTL = 4500;
/** RFC 6762 §6.7: TTL ceiling in replies to legacy unicast queries. */
export const LEGACY_UNICAST_MAX_TTL = 10;
/** RFC 6762 §6.7: a legacy querier without EDNS0 accepts 512-byte replies. */
export const LEGACY_UNICAST_MAX_PAYLOAD = 512;

/** How often the transport looks for interface and address changes, by default. */
export const INTERFACE_POLL_INTERVAL_MS = 5_000;
/**
 * How long a sent multicast packet is remembered to recognise it when it
 * loops back: long enough for a loop that runs seconds late (a burst of
 * thousands of packets) to still know its own.
 */
export const OWN_PACKET_MEMORY_MS = 10_000;
/** At most this many sent packets are remembered (memory stays flat however much is sent: about 1 MB at most). */
export const OWN_PACKET_MEMORY_ENTRIES = 16_384;
/** Sources whose attribution to an interface is remembered until the interfaces are next read (a link has few peers; a flood of forged sources only empties it). */
export const ATTRIBUTION_MEMORY_ENTRIES = 1_024;
/**
 * Copies of one multicast packet from one source arriving within this window
 * count as one when the source fits several of our interfaces (a host with
 * two interfaces on the same link gets every multicast twice).
 */
export const DUPLICATE_PACKET_WINDOW_MS = 100;

/** RFC 6762 §8.1: probing starts after a random delay of 0–250 ms. */
export const PROBE_WAIT_MAX_MS = 250;
/** RFC 6762 §8.1: probes go 250 ms apart. */
export const PROBE_INTERVAL_MS = 250;
/** RFC 6762 §8.1: three probes. */
export const PROBE_COUNT = 3;
/** RFC 6762 §8.2: the loser of a simultaneous probe tiebreak waits one second, then probes again. */
export const PROBE_TIEBREAK_DEFER_MS = 1_000;
/** RFC 6762 §8.1: after this many conflicts within {@link PROBE_RATE_WINDOW_MS}… */
export const PROBE_RATE_LIMIT_CONFLICTS = 15;
/** RFC 6762 §8.1: …counted over ten seconds… */
export const PROBE_RATE_WINDOW_MS = 10_000;
/** RFC 6762 §8.1: …wait five seconds between attempts. */
export const PROBE_RATE_LIMIT_DELAY_MS = 5_000;
/** RFC 6762 §8.3: announcements sent after probing (at least two). */
export const ANNOUNCE_COUNT = 3;
/** RFC 6762 §8.3: the first interval between announcements; it doubles after each. */
export const ANNOUNCE_INTERVAL_MS = 1_000;
/** RFC 6762 §6: shared-record answers wait 20–120 ms (random): the least… */
export const RESPONSE_DELAY_MIN_MS = 20;
/** …and the most. */
export const RESPONSE_DELAY_MAX_MS = 120;
/** RFC 6762 §6.3: answers may be aggregated for up to 500 ms. */
export const RESPONSE_AGGREGATION_MAX_MS = 500;
/** RFC 6762 §7.2: answers to a query with TC set wait 400–500 ms for its known answers: the least… */
export const TRUNCATED_QUERY_DELAY_MIN_MS = 400;
/** …and the most. */
export const TRUNCATED_QUERY_DELAY_MAX_MS = 500;
/** RFC 6762 §6.2: a record is multicast on an interface at most once a second (probe defence excepted). */
export const MULTICAST_RATE_LIMIT_MS = 1_000;
/** RFC 6762 §7.3: a question seen multicast from another host in the last second is not asked again. */
export const DUPLICATE_QUESTION_WINDOW_MS = 1_000;
/** RFC 6762 §6.7: a legacy unicast reply without EDNS0 fits 512 bytes. */
export const LEGACY_UNICAST_DEFAULT_PAYLOAD = 512;

/**
 * Work one received packet may cause is bounded (RFC 6762 §6 leaves the
 * limit to the implementation; python-zeroconf caps it too): questions
 * beyond this many in one query are not answered. Real queriers ask a few
 * questions per packet; a packet of 1,000 questions is a flood.
 */
export const MAX_QUESTIONS_PER_QUERY = 64;
/**
 * Records beyond this many in one section of a received packet (known
 * answers of a query, answers and additionals of a response) are not
 * examined; a 9000-byte packet holds fewer than this many real records.
 */
export const MAX_RECORDS_PER_SECTION = 600;

/**
 * Delayed unicast replies (QU answers waiting 20–120 ms, §6, or 400–500 ms
 * after a TC query, §7.2) pending at once, whoever asked; past it a QU
 * answer joins the interface's multicast response instead, which RFC 6762
 * §5.4 allows and §6.2 limits. A flood of distinct sources cannot pile up
 * timers.
 */
export const MAX_PENDING_UNICAST_REPLIES = 1_024;
/**
 * Queriers remembered per waiting multicast answer, so that one querier's
 * known answers (§7.1, §7.2) do not cancel what others asked for; past it
 * the answer goes out whatever any one of them says it knows.
 */
export const MAX_REQUESTERS_PER_ANSWER = 64;
/**
 * A waiting multicast response is postponed by later TC queries (§7.2) at
 * most this long past the query that started it, so a stream of TC queries
 * cannot hold answers back for ever.
 */
export const MAX_RESPONSE_POSTPONE_MS = 1_000;

/** One-second windows of the per-source unicast reply budget (see reply-budget.ts). */
export const UNICAST_REPLY_WINDOW_MS = 1_000;
/** Bytes of unicast replies any source may receive per window, whatever it sent… */
export const UNICAST_REPLY_BASE_BYTES_PER_SECOND = 4_096;
/** …plus this many times the bytes of its queries in the same window. */
export const UNICAST_REPLY_AMPLIFICATION_LIMIT = 4;
/** Sources whose unicast reply budget is tracked at once (least recently seen forgotten first). */
export const UNICAST_REPLY_SOURCES_TRACKED = 4_096;

/** Repeated problems of one kind are logged at most once per this interval, with a count of the rest. */
export const ERROR_REPORT_INTERVAL_MS = 10_000;

// Querier (RFC 6762 §5.2, §7, §10).
/** §5.2: the first query of a continuous series goes out 20–120 ms after the interest starts. */
export const FIRST_QUERY_DELAY_MIN_MS = 20;
export const FIRST_QUERY_DELAY_MAX_MS = 120;
/** §5.2: the interval between the first two queries is at least one second, */
export const QUERY_INTERVAL_MIN_MS = 1_000;
/** and it doubles each time, up to at most sixty minutes. */
export const QUERY_INTERVAL_MAX_MS = 60 * 60 * 1_000;
/** §5.2: a record someone still wants is re-queried at 80, 85, 90 and 95 % of its TTL, */
export const REFRESH_POINTS = [0.8, 0.85, 0.9, 0.95] as const;
/** plus a random variation of 0–2 % of the TTL. */
export const REFRESH_JITTER = 0.02;
/** §7.1: a known answer is included only while more than half its TTL remains. */
export const KNOWN_ANSWER_MIN_TTL_FRACTION = 0.5;
/** §10.1 goodbye, §10.2 cache-flush: the record is deleted one second later, not at once. */
export const CACHE_FLUSH_DELAY_MS = 1_000;
/** §10.5 (POOF): a record is flushed after this many queries for it went unanswered, */
export const POOF_QUERY_COUNT = 2;
/** within this window (of the first of them), */
export const POOF_WINDOW_MS = 10_000;
/** counting queries less than this apart as one (one query sent over IPv4 and IPv6, or a TC train). */
export const POOF_QUERY_SPACING_MS = 1_000;
/** Records of others held, by default, at most (the cache's bound). */
export const DEFAULT_CACHE_MAX_RECORDS = 10_000;
