#!/usr/bin/python3
"""Publish one DNS-SD service with python-zeroconf inside a lab host.

Prints one line ``READY {json}`` once the service is registered (probing and
announcing done by register_service), and ``UNREGISTERED`` after a clean
shutdown. Exits cleanly (unregister + close, exit 0) on SIGTERM/SIGINT, and
by itself after --lifetime seconds (bounded; default 300).

Example:
  zc_publish.py --interface 192.0.2.11 --name "Lab Smoke Test" \
      --type _boaster-smoke._tcp --port 4242 --txt serial=ABC123 --txt model=smoke
"""
import argparse
import json
import signal
import sys
import threading

from lab_common import IP_VERSIONS, parse_interface
from zeroconf import ServiceInfo, Zeroconf




def parse_txt(items):
    props = {}
    for item in items:
        key, sep, val = item.partition("=")
        props[key] = val if sep else None
    return props


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interface", action="append", required=True, help="IPv4 address or ifname")
    ap.add_argument("--ip-version", choices=sorted(IP_VERSIONS), default="4")
    ap.add_argument("--name", required=True, help="instance name, e.g. 'Lab Smoke Test'")
    ap.add_argument("--type", required=True, help="service type, e.g. _http._tcp")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--txt", action="append", default=[], help="key=value (or key)")
    ap.add_argument("--address", action="append", default=[], help="address to publish (default: IPv4 interfaces)")
    ap.add_argument("--server", help="target host name, default <name-without-spaces>.local.")
    ap.add_argument("--allow-name-change", action="store_true")
    ap.add_argument("--lifetime", type=float, default=300.0, help="exit after this many seconds")
    ap.add_argument("--commands", action="store_true",
                    help="read 'rename NEW NAME' lines on stdin: unregister, register under the new name, print RENAMED")
    args = ap.parse_args()

    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    stype = args.type.rstrip(".") + ".local."
    interfaces = [parse_interface(i) for i in args.interface]
    addresses = args.address or [i for i in interfaces if isinstance(i, str)]
    server = args.server or ("".join(c for c in args.name if c.isalnum()) or "zc") + ".local."
    def make_info(name):
        return ServiceInfo(
            stype,
            f"{name}.{stype}",
            parsed_addresses=addresses,
            port=args.port,
            properties=parse_txt(args.txt),
            server=server,
        )

    current = {"info": make_info(args.name)}
    lock = threading.Lock()
    zc = Zeroconf(interfaces=interfaces, ip_version=IP_VERSIONS[args.ip_version])

    def commands():
        for line in sys.stdin:
            cmd, _, arg = line.strip().partition(" ")
            if cmd != "rename" or not arg or stop.is_set():
                continue
            with lock:
                old = current["info"]
                zc.unregister_service(old)
                info = make_info(arg)
                zc.register_service(info, allow_name_change=args.allow_name_change)
                current["info"] = info
            print("RENAMED " + json.dumps({"name": info.name, "from": old.name}), flush=True)

    try:
        info = current["info"]
        zc.register_service(info, allow_name_change=args.allow_name_change)
        ready = {"name": info.name, "type": info.type, "server": info.server, "port": info.port,
                 "addresses": info.parsed_addresses()}
        print("READY " + json.dumps(ready), flush=True)
        if args.commands:
            threading.Thread(target=commands, daemon=True).start()
        stop.wait(args.lifetime)
        with lock:
            zc.unregister_service(current["info"])
        print("UNREGISTERED", flush=True)
    finally:
        zc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
