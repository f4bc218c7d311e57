#!/usr/bin/python3
"""The querier target "python-zeroconf": a ServiceBrowser for one type in a lab host.

usage: zc_browser.py INTERFACE_IPV4 [TYPE]. Prints JSON lines:
  {"kind": "ready", "at": ms}        at: taken right before ServiceBrowser() (or, idle, after Zeroconf())
  {"kind": "up" | "down", "name": instance, "at": ms}   add / remove callbacks
  {"kind": "seen", "name": instance, "txt": [...], "addresses": [...], "at": ms}
      on add and update: the ServiceInfo the library gives for it then (get_service_info)
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


INFO_TIMEOUT_MS = 1500


def _txt_strings(raw):
    """The character-strings of TXT rdata (RFC 6763 §6: length-prefixed)."""
    out, i = [], 0
    while i < len(raw):
        n = raw[i]
        out.append(raw[i + 1 : i + 1 + n])
        i += 1 + n
    return [s for s in out if s]


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
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            info = zeroconf.get_service_info(service_type, name, timeout=INFO_TIMEOUT_MS)
            if info is not None:
                txt = [t.decode("utf-8", "replace") for t in _txt_strings(info.text or b"")]
                emit("seen", name=instance, txt=txt, addresses=info.parsed_addresses(), at=int(time.time() * 1000))

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
