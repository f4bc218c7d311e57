#!/usr/bin/python3
"""UDP reachability probe between lab hosts (the lab has no `ping`).

  udp_echo.py serve --port P [--lifetime S]    echo every datagram back; prints READY
  udp_echo.py probe --to ADDR[%IFNAME] --port P [--tries N] [--timeout S]
                                              prints OK <reply> or FAIL, exit 0 / 1

Both bind to the unspecified address of both families (IPv6 socket with
V6ONLY off), so one server answers IPv4 and IPv6 (link-local with scope).
Every loop is bounded by --lifetime / --tries.
"""
import argparse
import signal
import socket
import sys
import time


def serve(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", args.port))
    s.settimeout(0.2)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print("READY", flush=True)
    deadline = time.monotonic() + args.lifetime
    while not stop and time.monotonic() < deadline:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        s.sendto(b"echo:" + data, peer)
    s.close()
    return 0


def probe(args):
    host, _, scope = args.to.partition("%")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    dest = (host, args.port, 0, socket.if_nametoindex(scope)) if family == socket.AF_INET6 and scope else (host, args.port)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(args.timeout)
    for i in range(args.tries):
        try:
            s.sendto(b"probe-%d" % i, dest)
            data, peer = s.recvfrom(2048)
            print("OK %s from %s" % (data.decode(), peer[0]), flush=True)
            return 0
        except OSError as e:  # includes socket.timeout
            print("try %d: %s" % (i, e), file=sys.stderr, flush=True)
    print("FAIL", flush=True)
    return 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--port", type=int, required=True)
    sv.add_argument("--lifetime", type=float, default=120.0)
    pr = sub.add_parser("probe")
    pr.add_argument("--to", required=True)
    pr.add_argument("--port", type=int, required=True)
    pr.add_argument("--tries", type=int, default=5)
    pr.add_argument("--timeout", type=float, default=1.0)
    args = ap.parse_args()
    return serve(args) if args.cmd == "serve" else probe(args)


if __name__ == "__main__":
    sys.exit(main())
