#!/usr/bin/python3
"""Issue 15, churn soak: a real peer on another lab host browsing the churned type.

python-zeroconf's ServiceBrowser queries the type continuously (RFC 6762
§5.2, known answers §7.1) for at most --duration seconds and keeps the set
of instances it currently sees from the Added / Removed events. Every
--every seconds it prints ``SAMPLE {"t":..,"current":..}``; on SIGTERM,
SIGINT or the end of --duration it prints ONE line ``RESULT {...}`` (event
counts and the names seen now) and exits 0.
"""
import argparse
import json
import signal
import sys
import threading
import time

from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interface", required=True, help="IPv4 address to bind")
    ap.add_argument("--type", required=True, help="service type, e.g. _soak._tcp")
    ap.add_argument("--duration", type=float, required=True, help="upper bound of the run (s)")
    ap.add_argument("--every", type=float, default=5.0, help="sample interval (s)")
    args = ap.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    lock = threading.Lock()
    current = set()
    counts = {"added": 0, "removed": 0, "updated": 0}
    suffix = "." + args.type.rstrip(".") + ".local."

    def on_change(zeroconf, service_type, name, state_change):
        with lock:
            if state_change is ServiceStateChange.Added:
                counts["added"] += 1
                current.add(name)
            elif state_change is ServiceStateChange.Removed:
                counts["removed"] += 1
                current.discard(name)
            else:
                counts["updated"] += 1

    zc = Zeroconf(interfaces=[args.interface], ip_version=IPVersion.V4Only)
    start = time.monotonic()
    try:
        browser = ServiceBrowser(zc, [args.type.rstrip(".") + ".local."], handlers=[on_change])
        print("READY", flush=True)
        next_sample = start + args.every
        while not stop.is_set() and time.monotonic() - start < args.duration:
            stop.wait(0.2)
            if time.monotonic() >= next_sample:
                next_sample += args.every
                with lock:
                    line = {"t": round(time.monotonic() - start, 1), "current": len(current), **counts}
                print("SAMPLE " + json.dumps(line), flush=True)
        browser.cancel()
    finally:
        with lock:
            names = sorted(n[: -len(suffix)] if n.endswith(suffix) else n for n in current)
            result = {**counts, "current": len(current), "names": names}
        zc.close()
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
