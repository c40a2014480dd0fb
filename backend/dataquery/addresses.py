"""Where a connected database may be: the rule that keeps data queries out of Skopx's own network.

`check_address(host, port, policy)` reads the host a person typed, resolves it once and returns the
`Address` to connect to: the name (for TLS, which checks the certificate against it) and one IP
address that passed. The executor connects to that IP, so a name that answers differently a moment
later (DNS rebinding) changes nothing. Every refusal is `backend.errors.Invalid(field="host")` with a
sentence that names no configuration value.

The rule, `judge(name, ips, port, policy)`, is a pure function of its arguments:

- always refused: link-local addresses (cloud metadata among them), unspecified, multicast, broadcast,
  reserved and site-local ranges, the known metadata addresses, the same inside IPv6 forms that carry
  an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), and Skopx's own database servers;
- internal addresses (loopback, private, shared and documentation ranges: whatever isn't globally
  reachable) are allowed in local mode and refused in production unless an allow entry covers them;
- deny entries (CIDRs or host names) refuse whatever they cover and win over allow entries.

A host-name entry matches the name exactly, ignoring case and a trailing dot; an entry starting with a
dot (".example.com") matches the names under it, not the name itself. Hosts are written as a DNS name
(IDN names are turned into punycode) or an IP address in its usual form; other spellings of IPv4
("2852039166", "0xa9fea9fe", "0251.0376.0251.0376") are refused outright.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from backend.config import Settings
from backend.errors import Invalid

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# A name -> the addresses it resolves to (as text). Blocking; it runs in a thread.
Resolver = Callable[[str], Iterable[str]]

MAX_HOST_LEN = 253
DEFAULT_POSTGRES_PORT = 5432

INTERNAL = (
    "This address is inside Skopx's own network and can't be used for a data source. "
    "Ask your administrator to allow it with SKOPX_DATA_SOURCE_ALLOW."
)
FORBIDDEN = (
    "This address can't be used for a data source: it is reserved for the network itself "
    "(link-local, cloud metadata, multicast or similar). Enter the database server's own address."
)
OWN_DATABASE = "Skopx's own database can't be connected as a data source."
DENIED = "Your administrator doesn't allow data sources at this address."
UNRESOLVED = "We couldn't find a server by that name. Check the host for typos."
RESOLVE_TIMEOUT = "Looking up the host took too long. Check the host or try again."

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LAST_LABEL = re.compile(r"^(\d+|0x[0-9a-f]*)$")
_ALWAYS_DENIED_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",  # "this network"
        "169.254.0.0/16",  # link-local, where cloud metadata lives
        "255.255.255.255/32",
        "fe80::/10",
        "fec0::/10",  # site-local, deprecated
        "fd00:ec2::254/128",  # the IPv6 metadata address of one cloud
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class Endpoint:
    """A server Skopx itself uses: a host (name or IP) and a port."""

    host: str
    port: int


@dataclass(frozen=True)
class AddressPolicy:
    """What `judge` needs to know besides the address: all of it data, none of it read from the world."""

    allow_internal: bool = False
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    own: tuple[Endpoint, ...] = ()


@dataclass(frozen=True)
class Address:
    """A checked place to connect to: `name` for TLS and messages, `ip` for the socket."""

    name: str
    ip: str
    port: int


def _refuse(sentence: str) -> Invalid:
    return Invalid(sentence, field="host")


def normalize_host(host: str) -> str | IP:
    """The host as an IP address, or as a lower-case ASCII DNS name; refuses anything else."""
    if not isinstance(host, str) or not host.strip():
        raise _refuse("Enter the host: the database server's name or IP address.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in host):
        raise _refuse("The host contains spaces or control characters; remove them.")
    if host.startswith("/") or "\\" in host:
        raise _refuse("Enter a server name or IP address as the host, not a socket path.")
    if "://" in host or "@" in host or "/" in host:
        raise _refuse(
            "Enter only the server's name or IP address as the host, without a scheme, user or path."
        )
    if "%" in host:  # an IPv6 zone ("fe80::1%eth0"): only link-local addresses have one
        raise _refuse("The host isn't a valid server name or IP address; remove the part after %.")
    if len(host) > MAX_HOST_LEN:
        raise _refuse(f"The host is longer than {MAX_HOST_LEN} characters.")
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare)
        except ValueError:
            raise _refuse("Enter the port in the port field, not in the host.") from None
    name = bare.rstrip(".").lower() if bare != "." else ""
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise _refuse("The host isn't a valid server name.") from None
    labels = name.split(".")
    if _NUMERIC_LAST_LABEL.match(labels[-1]):
        try:
            return ipaddress.IPv4Address(name)
        except ValueError:
            raise _refuse(
                "Write an IPv4 address as four numbers from 0 to 255 separated by dots, such as 203.0.113.7."
            ) from None
    if not name or len(name) > MAX_HOST_LEN or not all(_LABEL.match(label) for label in labels):
        raise _refuse("The host isn't a valid server name.")
    return name


def _facets(ip: IP) -> tuple[IP, ...]:
    """What to judge for `ip`: an IPv6 form that is an IPv4 address (mapped, compatible) as that IPv4
    address; one that leads to an IPv4 address (NAT64, 6to4, Teredo) as both."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return (ip,)
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip in _COMPATIBLE and int(ip) > 1:
        return (ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF),)
    if ip in _NAT64:
        return (ip, ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF))
    if ip.sixtofour is not None:
        return (ip, ip.sixtofour)
    if ip.teredo is not None:
        return (ip, ip.teredo[1])
    return (ip,)


def _forbidden(ip: IP) -> bool:
    return (
        ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or (ip.is_reserved and not ip.is_loopback)  # IPv6's reserved ::/8 holds ::1
        or any(ip in net for net in _ALWAYS_DENIED_NETWORKS if net.version == ip.version)
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def _internal(ip: IP) -> bool:
    return not ip.is_global


def _name_matches(name: str, entry: str) -> bool:
    if entry.startswith("."):
        return name.endswith(entry) and len(name) > len(entry)
    return name == entry


def _entries(entries: Iterable[str]) -> tuple[list[Network], list[str]]:
    networks: list[Network] = []
    names: list[str] = []
    for raw in entries:
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            try:
                names.append(entry.encode("idna").decode("ascii"))
            except UnicodeError:
                names.append(entry)
    return networks, names


def _covered(name: str | None, ip: IP, networks: list[Network], names: list[str]) -> bool:
    if name is not None and any(_name_matches(name, entry) for entry in names):
        return True
    return any(facet in net for facet in _facets(ip) for net in networks if net.version == facet.version)


def _own_ips(policy: AddressPolicy, resolved_own: dict[str, tuple[IP, ...]]) -> dict[int, set[IP]]:
    """Port -> the addresses of Skopx's own servers at that port."""
    own: dict[int, set[IP]] = {}
    for endpoint in policy.own:
        ips = own.setdefault(endpoint.port, set())
        ips.update(resolved_own.get(endpoint.host.lower(), ()))
        with contextlib.suppress(ValueError):
            ips.add(ipaddress.ip_address(endpoint.host.strip("[]")))
    return own


def judge(
    name: str | None,
    ips: Iterable[IP],
    port: int,
    policy: AddressPolicy,
    *,
    resolved_own: dict[str, tuple[IP, ...]] | None = None,
) -> None:
    """Refuse (`Invalid`, field "host") unless every one of `ips` may be connected to at `port`.

    `name` is the normalized host name (None for an IP literal). `resolved_own` maps each own endpoint's
    host (lower case) to its addresses; an IP-literal endpoint needs no entry.
    """
    ips = tuple(ips)
    if not ips:
        raise _refuse(UNRESOLVED)
    deny_nets, deny_names = _entries(policy.deny)
    allow_nets, allow_names = _entries(policy.allow)
    own_names = {endpoint.host.lower().rstrip(".") for endpoint in policy.own if endpoint.port == port}
    own_at_port = _own_ips(policy, resolved_own or {}).get(port, set())
    # A server of our own on a loopback address may listen on every loopback address: refuse them all.
    own_loopback = any(ip.is_loopback for ip in own_at_port) or "localhost" in own_names
    if name is not None and name in own_names:
        raise _refuse(OWN_DATABASE)
    for ip in ips:
        facets = _facets(ip)
        if any(facet in own_at_port or (own_loopback and facet.is_loopback) for facet in facets):
            raise _refuse(OWN_DATABASE)
        if any(_forbidden(facet) for facet in facets):
            raise _refuse(FORBIDDEN)
        if _covered(name, ip, deny_nets, deny_names):
            raise _refuse(DENIED)
        internal = any(_internal(facet) for facet in facets)
        if internal and not policy.allow_internal and not _covered(name, ip, allow_nets, allow_names):
            raise _refuse(INTERNAL)


def system_resolve(name: str) -> list[str]:
    """The addresses the system's resolver gives for `name` (TCP)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)]


async def _resolve(name: str, resolve: Resolver, timeout_s: float) -> tuple[IP, ...]:
    try:
        answers = await asyncio.wait_for(asyncio.to_thread(lambda: list(resolve(name))), timeout_s)
    except TimeoutError:
        raise _refuse(RESOLVE_TIMEOUT) from None
    except (OSError, UnicodeError):
        raise _refuse(UNRESOLVED) from None
    ips: list[IP] = []
    for answer in answers:
        try:
            ips.append(ipaddress.ip_address(answer.split("%", 1)[0]))
        except ValueError:
            raise _refuse(UNRESOLVED) from None
    return tuple(dict.fromkeys(ips))


async def check_address(
    host: str,
    port: int,
    policy: AddressPolicy,
    *,
    resolve: Resolver = system_resolve,
    timeout_s: float = 5.0,
) -> Address:
    """Check `host`:`port` against `policy`, resolving a name once with `resolve`; the address to use.

    Raises `Invalid` (field "host", or "port" for a port outside 1-65535). Own endpoints given by name
    are resolved with the same resolver; one that can't be resolved counts by its name only.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65_535:
        raise Invalid("The port must be a number from 1 to 65535.", field="port")
    host_or_ip = normalize_host(host)
    resolved_own: dict[str, tuple[IP, ...]] = {}
    for endpoint in policy.own:
        if endpoint.port != port or _is_ip(endpoint.host):
            continue
        with contextlib.suppress(Invalid):
            resolved_own[endpoint.host.lower()] = await _resolve(endpoint.host, resolve, timeout_s)
    if isinstance(host_or_ip, str):
        name, ips = host_or_ip, await _resolve(host_or_ip, resolve, timeout_s)
    else:
        name, ips = None, (host_or_ip,)
    judge(name, ips, port, policy, resolved_own=resolved_own)
    return Address(name=name or str(ips[0]), ip=str(ips[0]), port=port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def own_endpoints(urls: Iterable[str | None]) -> tuple[Endpoint, ...]:
    """The TCP servers named by database URLs (`postgresql://…@host:port/db`, `?host=…&port=…`).

    Socket directories are left out: a data source can never be a socket path.
    """
    found: list[Endpoint] = []
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        hosts: list[tuple[str, str]] = []
        for item in filter(None, netloc.split(",")):
            if item.startswith("["):
                host, _, rest = item[1:].partition("]")
                hosts.append((host, rest.lstrip(":")))
            else:
                host, _, port_text = item.partition(":")
                hosts.append((host, port_text))
        for host in ",".join(query.get("host", [])).split(","):
            if host:
                hosts.append((host, ""))
        default_ports = ",".join(query.get("port", [])).split(",")
        for index, (host, port_text) in enumerate(hosts):
            if not host or host.startswith("/"):
                continue
            if not port_text and default_ports and default_ports[min(index, len(default_ports) - 1)]:
                port_text = default_ports[min(index, len(default_ports) - 1)]
            try:
                port = int(port_text) if port_text else DEFAULT_POSTGRES_PORT
            except ValueError:
                port = DEFAULT_POSTGRES_PORT
            found.append(Endpoint(host=host.lower(), port=port))
    return tuple(dict.fromkeys(found))


def policy_from_settings(settings: Settings) -> AddressPolicy:
    """The policy for this deployment: its mode, SKOPX_DATA_SOURCE_ALLOW/DENY and its own databases."""
    return AddressPolicy(
        allow_internal=not settings.is_production,
        allow=settings.data_source_allow,
        deny=settings.data_source_deny,
        own=own_endpoints(
            (settings.database_url, settings.service_database_url, settings.database_admin_url)
        ),
    )
