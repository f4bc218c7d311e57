"""Send hand-made UDP datagrams from inside a lab namespace (scapy, layer 2).

usage: python3 raw_send.py IFNAME '<json list>'
  each item: {"src": ip, "sport": n, "dst": ip, "dport": n, "hex": payload,
              "dstMac": "aa:bb:..." (optional for multicast destinations)}

Layer 2 so that any source goes out as given: the kernel would fill in
0.0.0.0 and refuse port 0 on an ordinary socket. Only the lab's transport
tests run this, inside a lab host (see source-refusal.lab.test.ts).
Prints one line "sent N".
"""
import ipaddress
import json
import sys

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp


def multicast_mac(dst):
    """RFC 1112 §6.4 / RFC 2464 §7: the Ethernet address of an IP multicast group."""
    addr = ipaddress.ip_address(dst)
    if addr.version == 4:
        low = int(addr) & 0x7FFFFF
        return "01:00:5e:%02x:%02x:%02x" % (low >> 16, (low >> 8) & 0xFF, low & 0xFF)
    low = addr.packed[-4:]
    return "33:33:" + ":".join("%02x" % b for b in low)


def frame(item):
    dst = item["dst"]
    addr = ipaddress.ip_address(dst)
    mac = item.get("dstMac") or (multicast_mac(dst) if addr.is_multicast else None)
    if mac is None:
        raise SystemExit("unicast destination %s needs dstMac" % dst)
    layer3 = IP(src=item["src"], dst=dst, ttl=255) if addr.version == 4 else IPv6(src=item["src"], dst=dst, hlim=255)
    return Ether(dst=mac) / layer3 / UDP(sport=item["sport"], dport=item["dport"]) / Raw(load=bytes.fromhex(item["hex"]))


def main():
    ifname, items = sys.argv[1], json.loads(sys.argv[2])
    frames = [frame(item) for item in items]
    # One small gap per frame keeps them in order through the veth and the bridge.
    sendp(frames, iface=ifname, inter=0.01, verbose=False)
    print("sent %d" % len(frames), flush=True)


if __name__ == "__main__":
    main()
