"""Client identity: the socket peer, unless a configured trusted proxy vouches otherwise."""

from __future__ import annotations

import pytest

from backend.ratelimit import client_bucket, client_ip, client_key, parse_trusted_proxies

PROXIES = ("10.0.0.0/8", "192.0.2.10")


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        # No trusted proxy in the path: a spoofed header changes nothing.
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),
        ("203.0.113.7", "10.0.0.1", "203.0.113.7"),
        ("203.0.113.7", None, "203.0.113.7"),
        # A trusted proxy: the right-most untrusted address is the client.
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("192.0.2.10", "203.0.113.9", "203.0.113.9"),
        # Whatever the client wrote to the left is ignored.
        ("10.0.0.5", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # Two trusted hops (CIDR and single address).
        ("10.0.0.5", "1.2.3.4, 203.0.113.9, 192.0.2.10", "203.0.113.9"),
        # A trusted proxy without the header: the proxy itself.
        ("10.0.0.5", None, "10.0.0.5"),
        # Only trusted hops: the left-most one.
        ("10.0.0.5", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        # Garbage where the proxy's entry should be: stop at the last trusted hop.
        ("10.0.0.5", "203.0.113.9, not-an-ip", "10.0.0.5"),
        # Ports and brackets written by some proxies.
        ("10.0.0.5", "203.0.113.9:51234", "203.0.113.9"),
        ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
        # IPv4-mapped IPv6 peers match IPv4 proxy ranges.
        ("::ffff:10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.7", "1.2.3.4", "203.0.113.7"),
    ],
)
def test_client_ip(peer: str, forwarded_for: str | None, expected: str) -> None:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    assert client_ip(peer, headers, PROXIES) == expected


def test_without_configured_proxies_the_header_is_never_read() -> None:
    assert client_ip("10.0.0.5", {"x-forwarded-for": "1.2.3.4"}, ()) == "10.0.0.5"


def test_header_name_is_case_insensitive_and_repeated_headers_join_in_order() -> None:
    pairs = [("x-forwarded-for", "1.2.3.4"), ("X-FORWARDED-FOR", "203.0.113.9")]
    assert client_ip("10.0.0.5", pairs, PROXIES) == "203.0.113.9"


def test_unparseable_peer_is_used_as_is() -> None:
    assert client_ip("testclient", {"X-Forwarded-For": "1.2.3.4"}, PROXIES) == "testclient"
    assert client_ip(None, {"X-Forwarded-For": "1.2.3.4"}, PROXIES) == "unknown"


def test_malformed_proxy_configuration_is_reported() -> None:
    with pytest.raises(ValueError, match="not-a-network"):
        parse_trusted_proxies(("10.0.0.0/8", "not-a-network"))


def test_ipv6_clients_are_bucketed_per_64() -> None:
    assert client_bucket("2001:db8:1:2:aaaa::1") == client_bucket("2001:db8:1:2:bbbb::2")
    assert client_bucket("2001:db8:1:2::1") != client_bucket("2001:db8:1:3::1")
    assert client_bucket("203.0.113.7") == "203.0.113.7"
    assert client_key("203.0.113.7") != client_key("203.0.113.8")
