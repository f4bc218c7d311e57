#!/usr/bin/python3
"""A python-zeroconf publisher driven by stdin, for test/interop/browse.lab.test.ts.

argv[1]: JSON {"interface": "192.0.2.12", "name": ..., "type": "_x._tcp",
"port": 1234, "server": "zc-peer.local.", "txt": {"k": "v" | null},
"lifetime": 60}. Registers the service (probe + announce), prints
``READY {json}``, then reads lines on stdin:

  update {"k": "v", ...}   update_service() with new TXT; prints UPDATED {json}
  unregister               unregister_service() (goodbyes, TTL 0); prints UNREGISTERED

Exits after unregister, on SIGTERM/SIGINT or stdin EOF (unregistering
first), and by itself after ``lifetime`` seconds (bounded).
"""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab", "py"))
from lab_common import IP_VERSIONS, parse_interface  # noqa: E402
from zeroconf import ServiceInfo, Zeroconf  # noqa: E402


def emit(kind, data):
    print(f"{kind} {json.dumps(dict(data, at=int(time.time() * 1000)))}", flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    stype = cfg["type"].rstrip(".") + ".local."
    iface = parse_interface(cfg["interface"])

    def make_info(txt):
        return ServiceInfo(stype, f"{cfg['name']}.{stype}", parsed_addresses=[cfg["interface"]],
                           port=cfg["port"], properties=txt, server=cfg["server"])

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    zc = Zeroconf(interfaces=[iface], ip_version=IP_VERSIONS["4"])
    state = {"info": make_info(cfg.get("txt", {})), "registered": False}
    lock = threading.Lock()

    def unregister():
        with lock:
            if state["registered"]:
                state["registered"] = False
                zc.unregister_service(state["info"])
                emit("UNREGISTERED", {"name": state["info"].name})
                # zeroconf 0.47 returns before its 3 goodbyes (125 ms apart) are out and
                # close() would cut them short: let them go.
                time.sleep(0.5)

    def commands():
        for line in sys.stdin:
            cmd, _, arg = line.strip().partition(" ")
            if cmd == "update":
                with lock:
                    state["info"] = make_info(json.loads(arg))
                    zc.update_service(state["info"])
                emit("UPDATED", {"txt": json.loads(arg)})
            elif cmd == "unregister":
                unregister()
                break
        stop.set()

    try:
        zc.register_service(state["info"])
        state["registered"] = True
        info = state["info"]
        emit("READY", {"name": info.name, "server": info.server, "port": info.port,
                       "addresses": info.parsed_addresses()})
        threading.Thread(target=commands, daemon=True).start()
        stop.wait(float(cfg.get("lifetime", 60)))
        unregister()
    finally:
        zc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
