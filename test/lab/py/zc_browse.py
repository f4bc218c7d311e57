#!/usr/bin/python3
"""Browse and resolve DNS-SD services with python-zeroconf inside a lab host.

Browses the given types for --duration seconds (or until every name given
with --until is resolved), resolves each service found, then prints ONE line
``RESULT [json...]`` with the services and exits 0. SIGTERM/SIGINT end the
browse early and still print the result. Total run time is bounded by
--duration plus the per-service resolve timeout.
"""
import argparse
import json
import signal
import sys
import threading
import time

from lab_common import IP_VERSIONS, parse_interface
from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf




def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interface", action="append", required=True, help="IPv4 address or ifname")
    ap.add_argument("--ip-version", choices=sorted(IP_VERSIONS), default="4")
    ap.add_argument("--type", action="append", required=True, help="service type, e.g. _http._tcp")
    ap.add_argument("--duration", type=float, default=3.0, help="browse this long (s)")
    ap.add_argument("--until", action="append", default=[], help="stop early once this instance name is resolved")
    ap.add_argument("--resolve-timeout", type=float, default=3.0, help="per service (s)")
    args = ap.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    found = {}  # full name -> type
    removed = set()
    lock = threading.Lock()

    def on_change(zeroconf, service_type, name, state_change):
        with lock:
            if state_change is ServiceStateChange.Removed:
                removed.add(name)
                found.pop(name, None)
            else:
                found[name] = service_type

    types = [t.rstrip(".") + ".local." for t in args.type]
    zc = Zeroconf(interfaces=[parse_interface(i) for i in args.interface],
                  ip_version=IP_VERSIONS[args.ip_version])
    results = {}
    try:
        browser = ServiceBrowser(zc, types, handlers=[on_change])
        deadline = time.monotonic() + args.duration
        wanted = {u for u in args.until}
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                pending = [(n, t) for n, t in found.items() if n not in results]
            for name, stype in pending:
                info = zc.get_service_info(stype, name, timeout=int(args.resolve_timeout * 1000))
                if info is not None:
                    results[name] = {
                        "name": name[: -len(stype) - 1] if name.endswith("." + stype) else name,
                        "fullName": name,
                        "type": stype,
                        "server": info.server,
                        "port": info.port,
                        "addresses": info.parsed_scoped_addresses(),
                        "properties": {text(k): text(v) for k, v in (info.properties or {}).items()},
                    }
            if wanted and wanted <= {r["name"] for r in results.values()}:
                break
            stop.wait(0.2)
        browser.cancel()
    finally:
        zc.close()
    out = [r for n, r in results.items() if n not in removed]
    print("RESULT " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
