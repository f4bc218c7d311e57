#!/usr/bin/python3
"""python-zeroconf side of the lab browse benchmark (zeroconf 0.47, Debian's
python3-zeroconf under /usr/bin/python3), run inside lab host h0 as
``python3 -u -B zc_browse_all.py '<json>'`` with
{ n, type, interface, address, maxMs, holdMs, resolveTimeoutMs }.

AsyncZeroconf bound to the lab IPv4 address (V4Only), an AsyncServiceBrowser
for the type, and for every instance reported Added an AsyncServiceInfo
``async_request`` (it answers from the cache when the SRV, TXT and address
came with the PTR, else asks: QU first, then QM), all concurrently. Counts
the instances resolved (SRV + TXT + an address) and checks them against the
publisher's port, TXT hwid and IPv4 address. Once all N are resolved (or
maxMs passed) it takes its figures, stays holdMs more, and prints one JSON
line {kind: 'done', ...}. Times are epoch ms.
"""
import time

START_AT = time.time() * 1000  # before importing zeroconf

import asyncio  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402

from zeroconf import IPVersion, ServiceStateChange, __version__  # noqa: E402
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf  # noqa: E402

IMPORTED_AT = time.time() * 1000
INST = re.compile(r"^svc-(\d+)\.")


def now_ms():
    return time.time() * 1000


def status_kib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def hwid(i):
    a = ((i + 1) * 2654435761) & 0xFFFFFFFF
    return f"{a:08x}{i:08x}"


async def main(cfg):
    n = cfg["n"]
    type_ = cfg["type"].rstrip(".") + ".local."
    max_ms = min(cfg.get("maxMs", 60000), 900000)
    hold_ms = min(cfg.get("holdMs", 0), 120000)
    timeout_ms = cfg.get("resolveTimeoutMs", 3000)
    aiozc = AsyncZeroconf(interfaces=[cfg["address_bind"]], ip_version=IPVersion.V4Only)
    zc = aiozc.zeroconf
    ready_at = now_ms()
    found = {}
    resolved = {}
    failed = set()
    bad = []
    tasks = set()
    milestones = {}
    marks = [1, -(-n // 10), -(-n // 2), -(-n * 9 // 10), n]
    all_done = asyncio.Event()
    state = {"first_found": None, "all_found": None, "all_resolved": None, "requests": 0, "from_cache": 0}

    def check(name, info):
        m = INST.match(name)
        i = int(m.group(1)) if m else -1
        wrong = []
        if i < 0 or i >= n:
            wrong.append("name")
        else:
            if info.port != 8000 + i % 1000:
                wrong.append(f"port {info.port}")
            props = info.properties or {}
            if props.get(b"hwid") != hwid(i).encode():
                wrong.append(f"txt {props!r}")
        if cfg.get("address") and cfg["address"] not in info.parsed_addresses(IPVersion.V4Only):
            wrong.append(f"addresses {info.parsed_addresses()}")
        if wrong and len(bad) < 10:
            bad.append(f"{name}: {'; '.join(wrong)}")

    async def resolve(name):
        info = AsyncServiceInfo(type_, name)
        cached = info.load_from_cache(zc)
        ok = cached or await info.async_request(zc, timeout_ms)
        t = now_ms()
        if cached:
            state["from_cache"] += 1
        else:
            state["requests"] += 1
        if ok and name not in resolved:
            check(name, info)
            resolved[name] = t
            for k in marks:
                if k not in milestones and len(resolved) >= k:
                    milestones[k] = t - browse_at
            if len(resolved) >= n and state["all_resolved"] is None:
                state["all_resolved"] = t
                all_done.set()
        elif not ok:
            failed.add(name)

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is not ServiceStateChange.Added or name in found:
            return
        t = now_ms()
        found[name] = t
        if state["first_found"] is None:
            state["first_found"] = t
        if len(found) >= n and state["all_found"] is None:
            state["all_found"] = t
        task = asyncio.ensure_future(resolve(name))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    cpu0 = time.process_time()
    browse_at = now_ms()
    browser = AsyncServiceBrowser(zc, [type_], handlers=[on_change])
    try:
        await asyncio.wait_for(all_done.wait(), max_ms / 1000)
    except asyncio.TimeoutError:
        pass
    done_at = state["all_resolved"] or now_ms()
    cpu_done = time.process_time() - cpu0
    rss_done = status_kib("VmRSS")
    if hold_ms > 0:
        await asyncio.sleep(hold_ms / 1000)
    result = {
        "kind": "done",
        "version": __version__,
        "n": n,
        "startAt": START_AT,
        "importedAt": IMPORTED_AT,
        "readyAt": ready_at,
        "browseAt": browse_at,
        "firstFoundAt": state["first_found"],
        "allFoundAt": state["all_found"],
        "allResolvedAt": state["all_resolved"],
        "doneAt": done_at,
        "found": len(found),
        "resolved": len(resolved),
        "failed": len(failed - set(resolved)),
        "resolvedFromCache": state["from_cache"],
        "resolvedByRequest": state["requests"],
        "bad": bad,
        "milestones": milestones,
        "cpuToDoneS": cpu_done,
        "cpuTotalS": time.process_time() - cpu0,
        "rssKiBAtDone": rss_done,
        "rssKiBAtEnd": status_kib("VmRSS"),
        "hwmKiB": status_kib("VmHWM"),
        "holdMs": hold_ms,
    }
    for t in list(tasks):
        t.cancel()
    await browser.async_cancel()
    await aiozc.async_close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    cfg = json.loads(sys.argv[1])
    cfg["address_bind"] = cfg["interface"]
    try:
        asyncio.run(asyncio.wait_for(main(cfg), (min(cfg.get("maxMs", 60000), 900000) + min(cfg.get("holdMs", 0), 120000) + 30000) / 1000))
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"kind": "error", "error": f"{type(e).__name__}: {e}"}), flush=True)
        sys.exit(1)
