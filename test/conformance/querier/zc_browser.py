#!/usr/bin/python3
"""The querier target "python-zeroconf": a ServiceBrowser for one type in a lab host.

usage: zc_browser.py INTERFACE_IPV4 [TYPE]. Prints JSON lines:
  {"kind": "ready", "at": ms}        at: taken right before ServiceBrowser() (or, idle, after Zeroconf())
  {"kind": "up" | "down", "name": instance, "at": ms}   add / remove callbacks
Without TYPE it runs idle (a Zeroconf instance, nothing browsed). SIGTERM
ends it (exit 0); it exits by itself after 120 s.
"""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lab", "py"))
from lab_common import IP_VERSIONS  # noqa: E402
from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf  # noqa: E402


def emit(kind, **data):
    print(json.dumps(dict(data, kind=kind)), flush=True)


def main():
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    zc = Zeroconf(interfaces=[sys.argv[1]], ip_version=IP_VERSIONS["4"])
    browser = None

    def on_change(zeroconf, service_type, name, state_change):
        instance = name[: -len(service_type) - 1] if name.endswith("." + service_type) else name
        kind = {ServiceStateChange.Added: "up", ServiceStateChange.Removed: "down"}.get(state_change)
        if kind:
            emit(kind, name=instance, at=int(time.time() * 1000))

    try:
        at = int(time.time() * 1000)
        if len(sys.argv) > 2:
            browser = ServiceBrowser(zc, sys.argv[2].rstrip(".") + ".local.", handlers=[on_change])
        emit("ready", at=at)
        stop.wait(120)
        if browser:
            browser.cancel()
    finally:
        zc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
