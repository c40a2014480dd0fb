"""Client identity for rate limiting, resistant to spoofed X-Forwarded-For.

The identity is the socket peer. Only when the peer is a configured trusted proxy
is X-Forwarded-For consulted, and then it is read right to left, skipping trusted
proxies: the first untrusted address is the one our own proxy saw connect to it.
Anything further left was written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN_CLIENT = "unknown"


@lru_cache(maxsize=32)
def parse_trusted_proxies(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR ranges; raises ValueError naming a malformed entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"SKOPX_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR range."
            ) from None
    return tuple(networks)


def _parse_address(value: str | None) -> IPAddress | None:
    text = (value or "").strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:5120"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _forwarded_for(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    hops: list[str] = []
    for name, value in pairs:
        if name.lower() == "x-forwarded-for":
            hops.extend(part.strip() for part in value.split(","))
    return hops


def is_trusted_proxy(peer_host: str | None, trusted_proxies: Iterable[str]) -> bool:
    """Whether the socket peer is one of the configured proxies (whose forwarded headers count)."""
    peer = _parse_address(peer_host)
    return peer is not None and any(
        peer in network for network in parse_trusted_proxies(tuple(trusted_proxies))
    )


def client_ip(
    peer_host: str | None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    trusted_proxies: Iterable[str],
) -> str:
    """The address to count a request against (see module docstring)."""
    peer = _parse_address(peer_host)
    if peer is None:
        return (peer_host or "").strip() or UNKNOWN_CLIENT
    networks = parse_trusted_proxies(tuple(trusted_proxies))

    def is_trusted(address: IPAddress) -> bool:
        return any(address in network for network in networks)

    client = peer
    for hop in reversed(_forwarded_for(headers)):
        if not is_trusted(client):
            break
        address = _parse_address(hop)
        if address is None:
            # A trusted proxy always appends a valid address, so this came from the
            # client side: stop at the last hop we can vouch for.
            break
        client = address
    return str(client)


def client_bucket(ip: str) -> str:
    """The rate-limit bucket for an address: IPv6 per /64, IPv4 per address."""
    address = _parse_address(ip)
    if address is None:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
