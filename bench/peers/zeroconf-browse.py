#!/usr/bin/python3
"""python-zeroconf querier adapter of the comparison benchmark (README.md
beside it says the line protocol): AsyncZeroconf on the lab address (IPv4
only), an AsyncServiceBrowser for the type; `found` on Added, then an
AsyncServiceInfo.async_request per instance (zeroconf's usual resolve; it
answers from the cache when the records came with the PTR) and `resolved`
once it holds SRV, TXT and an address; `lost` on Removed."""
import asyncio
import json
import signal
import sys
import time

from zeroconf import IPVersion, ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf


def now_ms():
    return int(time.time() * 1000)


def say(line):
    print(line, flush=True)


async def main(cfg):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    aiozc = AsyncZeroconf(interfaces=[cfg["address"]], ip_version=IPVersion.V4Only)
    stype = cfg["type"] + ".local."
    pending = set()

    async def resolve(name):
        info = AsyncServiceInfo(stype, name)
        if await info.async_request(aiozc.zeroconf, 3000):
            v4 = info.parsed_addresses(IPVersion.V4Only)
            hw = info.properties.get(b"hwid", b"-") or b"-"
            say(f"resolved {name[: -len(stype) - 1]} {now_ms()} {info.port} {hw.decode()} {v4[0] if v4 else '-'}")

    def handler(zeroconf, service_type, name, state_change):
        inst = name[: -len(stype) - 1]
        if state_change is ServiceStateChange.Added:
            say(f"found {inst} {now_ms()}")
            task = asyncio.ensure_future(resolve(name))
            pending.add(task)
            task.add_done_callback(pending.discard)
        elif state_change is ServiceStateChange.Removed:
            say(f"lost {inst} {now_ms()}")

    say(f"started {now_ms()}")
    browser = AsyncServiceBrowser(aiozc.zeroconf, [stype], handlers=[handler])
    try:
        await asyncio.wait_for(stop.wait(), cfg["maxLifeMs"] / 1000)
    except asyncio.TimeoutError:
        say(f"expired {now_ms()}")
    await browser.async_cancel()
    await aiozc.async_close()


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
