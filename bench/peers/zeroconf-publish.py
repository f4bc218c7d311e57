#!/usr/bin/python3
"""python-zeroconf responder adapter of the comparison benchmark (README.md
beside it says the line protocol). AsyncZeroconf bound to the lab address
(IPv4 only), N ServiceInfos registered concurrently; `ready` once every
registration task finished (zeroconf's probe and first announcement done).
SIGTERM: unregister all (zeroconf's goodbyes), close, `closed`."""
import asyncio
import json
import signal
import sys
import time

from zeroconf import IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

TYPE = "_bench._tcp.local."


def now_ms():
    return int(time.time() * 1000)


def hwid(i):
    a = ((i + 1) * 2654435761) & 0xFFFFFFFF
    return f"{a:08x}{i:08x}"


def say(line):
    print(line, flush=True)


async def main(cfg):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    aiozc = AsyncZeroconf(interfaces=[cfg["address"]], ip_version=IPVersion.V4Only)
    server = cfg["host"] + ".local."
    infos = [
        ServiceInfo(TYPE, f"svc-{i}.{TYPE}", parsed_addresses=[cfg["address"]], port=8000 + i % 1000,
                    properties={"hwid": hwid(i)}, server=server)
        for i in range(cfg["n"])
    ]
    say(f"publish {now_ms()}")
    tasks = await asyncio.gather(*(aiozc.async_register_service(info) for info in infos))
    await asyncio.gather(*tasks)
    say(f"ready {now_ms()}")
    try:
        await asyncio.wait_for(stop.wait(), cfg["maxLifeMs"] / 1000)
    except asyncio.TimeoutError:
        say(f"expired {now_ms()}")
    await aiozc.async_unregister_all_services()
    await aiozc.async_close()
    say(f"closed {now_ms()}")


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
