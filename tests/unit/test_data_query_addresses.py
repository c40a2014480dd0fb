"""Where a connected database may be: hostile hosts refused with the right sentence, ordinary ones allowed."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from backend.config import SettingsError, load_settings
from backend.dataquery.addresses import (
    DENIED,
    FORBIDDEN,
    INTERNAL,
    OWN_DATABASE,
    RESOLVE_TIMEOUT,
    UNRESOLVED,
    Address,
    AddressPolicy,
    Endpoint,
    check_address,
    own_endpoints,
    policy_from_settings,
)
from backend.errors import Invalid

PRODUCTION = AddressPolicy(allow_internal=False)
LOCAL = AddressPolicy(allow_internal=True)
PUBLIC = "203.0.114.9"  # not in a documentation range: 203.0.113.0/24 is one
PUBLIC_V6 = "2606:4700::1111"

NAMES = {
    "db.example.com": [PUBLIC],
    "both.example.com": [PUBLIC, "10.0.0.5"],
    "metadata.example.com": ["169.254.169.254"],
    "mapped.example.com": ["::ffff:169.254.169.254"],
    "localhost": ["127.0.0.1", "::1"],
    "private.example.com": ["10.1.2.3"],
    "evil-db.example.com": ["10.1.2.3"],
    "db.example.com.evil.net": ["10.1.2.3"],
    "a.corp.example": ["10.9.9.9"],
    "skopx-db.internal": ["10.0.0.7"],
    "xn--exmple-cua.com": [PUBLIC],  # exämple.com
}


def resolver(table: dict[str, list[str]] | None = None):
    table = NAMES if table is None else table

    def resolve(name: str) -> Iterable[str]:
        if name not in table:
            raise OSError("Name or service not known")
        return table[name]

    return resolve


async def check(host: str, port: int = 5432, policy: AddressPolicy = PRODUCTION) -> Address:
    return await check_address(host, port, policy, resolve=resolver())


async def refusal(host: str, port: int = 5432, policy: AddressPolicy = PRODUCTION) -> str:
    with pytest.raises(Invalid) as caught:
        await check(host, port, policy)
    assert caught.value.field == "host"
    return caught.value.detail


METADATA_SPELLINGS = [
    "169.254.169.254",
    "::ffff:169.254.169.254",
    "[::ffff:169.254.169.254]",
    "::ffff:a9fe:a9fe",
    "::a9fe:a9fe",  # IPv4-compatible
    "64:ff9b::a9fe:a9fe",  # NAT64
    "2002:a9fe:a9fe::1",  # 6to4
    "fd00:ec2::254",
    "fe80::1",
    "169.254.0.1",
    "metadata.example.com",
    "mapped.example.com",
]


@pytest.mark.parametrize("host", METADATA_SPELLINGS)
async def test_link_local_and_metadata_are_refused_in_every_spelling_and_mode(host: str) -> None:
    assert await refusal(host) == FORBIDDEN
    assert await refusal(host, policy=LOCAL) == FORBIDDEN
    allowed_everything = AddressPolicy(allow=("0.0.0.0/0", "::/0", host.strip("[]")))
    assert await refusal(host, policy=allowed_everything) == FORBIDDEN


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "[::]", "0.1.2.3", "224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1"]
)
async def test_unspecified_multicast_broadcast_and_reserved_are_refused(host: str) -> None:
    assert await refusal(host, policy=LOCAL) == FORBIDDEN


@pytest.mark.parametrize(
    "host",
    ["2852039166", "0251.0376.0251.0376", "0xa9fea9fe", "0", "127.1", "0x7f.1", "1.2.3.256", "010.0.0.1"],
)
async def test_other_spellings_of_ipv4_are_refused_outright(host: str) -> None:
    detail = await refusal(host, policy=LOCAL)
    assert detail.startswith("Write an IPv4 address as four numbers")


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.0.0.1",
        "127.0.0.2",
        "[::1]",
        "::1",
        "::ffff:127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",
        "fc00::1",
        "private.example.com",
        "both.example.com",  # one public and one private address: refused
        "１２７.０.０.１",  # fullwidth digits become 127.0.0.1
    ],
)
async def test_internal_addresses_are_refused_in_production(host: str) -> None:
    assert await refusal(host) == INTERNAL


@pytest.mark.parametrize(
    ("host", "detail"),
    [
        ("/var/run/postgresql", "Enter a server name or IP address as the host, not a socket path."),
        ("/tmp/.s.PGSQL.5432", "Enter a server name or IP address as the host, not a socket path."),
        ("user@db.example.com", "Enter only the server's name or IP address as the host"),
        ("http://db.example.com", "Enter only the server's name or IP address as the host"),
        ("db.example.com/x", "Enter only the server's name or IP address as the host"),
        ("db.example.com:5432", "Enter the port in the port field, not in the host."),
        ("[::1]:5432", "Enter the port in the port field, not in the host."),
        ("fe80::1%eth0", "The host isn't a valid server name or IP address; remove the part after %."),
        ("10.0.0.1%25eth0", "The host isn't a valid server name or IP address; remove the part after %."),
        ("db.example.com ", "The host contains spaces or control characters"),
        ("db .example.com", "The host contains spaces or control characters"),
        ("db.example.com\x00.evil", "The host contains spaces or control characters"),
        ("db\n.example.com", "The host contains spaces or control characters"),
        ("", "Enter the host"),
        ("   ", "Enter the host"),
        ("a" * 64 + ".example.com", "The host isn't a valid server name."),
        (("a" * 60 + ".") * 4 + "example.com", "The host is longer than 253 characters."),
        ("db..example.com", "The host isn't a valid server name."),
        ("-db.example.com", "The host isn't a valid server name."),
        ("db_1.example.com", "The host isn't a valid server name."),
        (".", "The host isn't a valid server name."),
        ("unknown.example.com", UNRESOLVED),
    ],
)
async def test_hosts_that_are_not_a_name_or_an_address_are_refused(host: str, detail: str) -> None:
    assert (await refusal(host, policy=LOCAL)).startswith(detail)


@pytest.mark.parametrize("port", [0, -1, 65_536, True])
async def test_ports_outside_the_range_are_refused(port: int) -> None:
    with pytest.raises(Invalid) as caught:
        await check(PUBLIC, port)
    assert caught.value.field == "port"


async def test_public_addresses_and_names_are_allowed_in_production() -> None:
    assert await check(PUBLIC) == Address(name=PUBLIC, ip=PUBLIC, port=5432)
    assert await check(PUBLIC_V6, 3306) == Address(name=PUBLIC_V6, ip=PUBLIC_V6, port=3306)
    assert await check("DB.Example.COM.") == Address(name="db.example.com", ip=PUBLIC, port=5432)


async def test_an_idn_name_is_resolved_as_punycode() -> None:
    assert await check("exämple.com") == Address(name="xn--exmple-cua.com", ip=PUBLIC, port=5432)


async def test_internal_addresses_are_allowed_in_local_mode() -> None:
    for host in ("127.0.0.1", "10.0.0.1", "localhost", "::1", "private.example.com"):
        assert (await check(host, policy=LOCAL)).port == 5432


async def test_an_allow_entry_opens_internal_addresses_in_production() -> None:
    by_cidr = AddressPolicy(allow=("10.0.0.0/8",))
    assert (await check("10.1.2.3", policy=by_cidr)).ip == "10.1.2.3"
    assert (await check("private.example.com", policy=by_cidr)).ip == "10.1.2.3"
    assert await refusal("192.168.1.1", policy=by_cidr) == INTERNAL
    by_name = AddressPolicy(allow=("Private.Example.com",))
    assert (await check("private.example.com", policy=by_name)).ip == "10.1.2.3"
    assert await refusal("10.1.2.3", policy=by_name) == INTERNAL


@pytest.mark.parametrize("host", ["evil-db.example.com", "db.example.com.evil.net"])
async def test_a_name_entry_matches_that_name_only(host: str) -> None:
    assert await refusal(host, policy=AddressPolicy(allow=("db.example.com",))) == INTERNAL


async def test_a_leading_dot_entry_matches_the_names_under_it_only() -> None:
    policy = AddressPolicy(allow=(".corp.example",))
    assert (await check("a.corp.example", policy=policy)).ip == "10.9.9.9"
    table = {"corp.example": ["10.9.9.8"], "evilcorp.example": ["10.9.9.7"]}
    for name in table:
        with pytest.raises(Invalid, match="inside Skopx's own network"):
            await check_address(name, 5432, policy, resolve=resolver(table))


async def test_deny_wins_over_allow_and_over_local_mode() -> None:
    policy = AddressPolicy(
        allow_internal=True, allow=("10.0.0.0/8", "private.example.com"), deny=("10.1.0.0/16",)
    )
    assert await refusal("10.1.2.3", policy=policy) == DENIED
    assert await refusal("private.example.com", policy=policy) == DENIED
    assert (await check("10.2.0.1", policy=policy)).ip == "10.2.0.1"
    by_name = AddressPolicy(allow=("private.example.com",), deny=("PRIVATE.example.com",))
    assert await refusal("private.example.com", policy=by_name) == DENIED
    public = AddressPolicy(deny=(PUBLIC + "/32",))
    assert await refusal("db.example.com", policy=public) == DENIED
    assert await refusal("::ffff:" + PUBLIC, policy=public) == DENIED


OWN = AddressPolicy(
    allow_internal=True,
    allow=("0.0.0.0/0", "::/0", "skopx-db.internal"),
    own=(Endpoint("skopx-db.internal", 5432), Endpoint("127.0.0.1", 6543)),
)


@pytest.mark.parametrize(
    ("host", "port"),
    [
        ("skopx-db.internal", 5432),
        ("SKOPX-DB.internal.", 5432),
        ("10.0.0.7", 5432),
        ("::ffff:10.0.0.7", 5432),
        ("127.0.0.1", 6543),
        ("127.0.0.2", 6543),
        ("::1", 6543),
        ("localhost", 6543),
    ],
)
async def test_skopx_s_own_database_is_refused_whatever_allows_it(host: str, port: int) -> None:
    assert await refusal(host, port, policy=OWN) == OWN_DATABASE


async def test_the_own_database_s_host_is_usable_at_other_ports() -> None:
    assert (await check("10.0.0.7", 3306, policy=OWN)).ip == "10.0.0.7"
    assert (await check("127.0.0.1", 5433, policy=OWN)).ip == "127.0.0.1"


async def test_refusals_reveal_no_configuration() -> None:
    details = {
        await refusal(host, port, policy=OWN) for host, port in (("skopx-db.internal", 5432), ("::1", 6543))
    }
    details.add(await refusal("10.1.2.3", policy=AddressPolicy(deny=("10.1.2.0/24",))))
    for detail in details:
        assert "skopx-db" not in detail and "10." not in detail and "6543" not in detail


async def test_a_slow_resolver_is_given_up_on() -> None:
    import time

    def slow(name: str) -> list[str]:
        time.sleep(1)
        return [PUBLIC]

    with pytest.raises(Invalid) as caught:
        await check_address("db.example.com", 5432, PRODUCTION, resolve=slow, timeout_s=0.05)
    assert caught.value.detail == RESOLVE_TIMEOUT


def test_own_endpoints_come_from_the_database_urls() -> None:
    urls = (
        "postgresql://skopx_app:secret@DB.internal:6543/skopx",
        "postgresql://skopx_service@[::1]/skopx",
        "postgresql://u@/skopx?host=/run/pg&port=5433",
        "postgresql://u@a.internal,b.internal:7000/skopx",
        "postgresql://u@/skopx?host=c.internal&port=7001",
        None,
    )
    assert own_endpoints(urls) == (
        Endpoint("db.internal", 6543),
        Endpoint("::1", 5432),
        Endpoint("a.internal", 5432),
        Endpoint("b.internal", 7000),
        Endpoint("c.internal", 7001),
    )


def test_the_policy_follows_the_settings() -> None:
    local = policy_from_settings(load_settings({"SKOPX_ENV": "local"}))
    assert local == AddressPolicy(allow_internal=True)
    production = policy_from_settings(
        load_settings(
            {
                "SKOPX_ENV": "production",
                "DATABASE_URL": "postgresql://a:b@db.internal:5432/skopx",
                "SERVICE_DATABASE_URL": "postgresql://c:d@db.internal:5432/skopx",
                "DATABASE_ADMIN_URL": "postgresql://e:f@10.0.0.3:5433/skopx",
                "SESSION_SECRET": "s" * 32,
                "SKOPX_PUBLIC_URL": "https://skopx.example",
                "SKOPX_KEYRING_OAUTH": "x",
                "SKOPX_KEYRING_DBCONFIG": "x",
                "SKOPX_KEYRING_APIKEYS": "x",
                "SKOPX_DATA_SOURCE_ALLOW": "10.0.0.0/8, warehouse.internal",
                "SKOPX_DATA_SOURCE_DENY": "10.9.0.0/16",
            }
        )
    )
    assert production == AddressPolicy(
        allow_internal=False,
        allow=("10.0.0.0/8", "warehouse.internal"),
        deny=("10.9.0.0/16",),
        own=(Endpoint("db.internal", 5432), Endpoint("10.0.0.3", 5433)),
    )


def test_a_malformed_cidr_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="SKOPX_DATA_SOURCE_DENY"):
        load_settings({"SKOPX_DATA_SOURCE_DENY": "10.0.0.0/33"})
