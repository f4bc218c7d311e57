"""Send hand-made UDP datagrams from a lab host exactly as raw_send.py does,
plus a UDP checksum of the caller's choice (avahi CVE-2010-2244: a packet
with a bad checksum, then a good one).

usage: python3 raw_frames.py IFNAME '<json list>'
  each item as for test/transport/raw_send.py, and optionally
  "udpChecksum": n (0 = none, RFC 768; anything else is written as given).
Only cve.lab.test.ts runs this, inside a lab host. Prints one line "sent N".
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "transport"))

import raw_send  # noqa: E402  (the frame builder and sender of the transport tests)
from scapy.layers.inet import UDP  # noqa: E402

plain_frame = raw_send.frame


def frame(item):
    packet = plain_frame(item)
    if "udpChecksum" in item:
        packet[UDP].chksum = item["udpChecksum"]
    return packet


if __name__ == "__main__":
    raw_send.frame = frame
    raw_send.main()
