"""Helpers shared by the lab's python-zeroconf scripts."""
import socket

from zeroconf import IPVersion

IP_VERSIONS = {"4": IPVersion.V4Only, "6": IPVersion.V6Only, "all": IPVersion.All}


def parse_interface(value):
    """IPv4 address strings stay strings; interface names become indexes (needed for IPv6)."""
    try:
        socket.inet_aton(value)
        return value
    except OSError:
        return socket.if_nametoindex(value)
