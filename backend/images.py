"""Which images a chat message may show: one rule, written once as a regular expression.

`SKOPX_IMAGE_DOMAINS` names the hosts (exact names, no wildcards) whose images a reply may embed;
the default is none. An image URL is allowed only when it is, in full:

    https:// + one listed host (letters in any case) + nothing, or "/", "?" or "#" and then only
    characters that RFC 3986 allows unencoded in a URL, plus "%"

So every spelling that could take the browser elsewhere fails closed: other schemes (`http:`,
`data:`, `javascript:`, `vbscript:`), protocol-relative `//host`, userinfo (`allowed.com@evil.com`:
the character after the host must be "/", "?" or "#"), ports, look-alike hosts (`allowed.com.evil.com`,
`evilallowed.com`, subdomains), Unicode and punycode homographs, backslashes, whitespace, control
characters and percent-encoding inside the host.

The pattern is compiled twice from the same string: here by Python (`image_allowed`, which the tests
hold against a table of hostile URLs) and in the browser by the chat's Markdown renderer
(`components/markdown_view.py`), which replaces every other image with its alt text before React
creates an element, so the browser never requests it. The string therefore uses only syntax that
Python's `re` and JavaScript's `RegExp` (no flags) read alike: ASCII character classes, and explicit
`[aA]` pairs instead of a case-insensitive flag (Python's would also fold non-ASCII letters such as
the Kelvin sign onto ASCII ones). The CSP's `img-src` lists the same hosts, as a second fence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# One DNS label: letters, digits and inner hyphens (punycode labels start with "xn--").
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
# After the host: nothing, or a path, query or fragment of URL characters (RFC 3986
# unreserved, sub-delims, ":", "@", "/", "?", "#") and "%". No space, backslash, quote or non-ASCII.
_AFTER_HOST = r"(?:[/?#][A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*)?"
NOTHING = "(?!)"  # matches no string, in Python and in JavaScript


def parse_image_domains(entries: Iterable[str]) -> tuple[str, ...]:
    """Host names, lower-cased; raises ValueError naming an entry that is not a plain host name."""
    domains: list[str] = []
    for entry in entries:
        host = entry.strip().lower()
        if len(host) > 253 or not _HOST_NAME.fullmatch(host):
            raise ValueError(
                f"SKOPX_IMAGE_DOMAINS: {entry!r} is not a host name. Write names such as "
                "images.example.com: no scheme, port, path or wildcard, and international names "
                "in their xn-- form."
            )
        if host not in domains:
            domains.append(host)
    return tuple(domains)


def _any_case(host: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else r"\." if c == "." else c for c in host)


def image_url_pattern(domains: Iterable[str]) -> str:
    """The regular expression an image URL must match in full (see the module docstring)."""
    hosts = [_any_case(host) for host in parse_image_domains(domains)]
    if not hosts:
        return NOTHING
    return f"^{_any_case('https')}://(?:{'|'.join(hosts)}){_AFTER_HOST}$"


def image_allowed(url: str, domains: Iterable[str]) -> bool:
    return re.fullmatch(image_url_pattern(domains), url) is not None


def image_sources(domains: Iterable[str]) -> tuple[str, ...]:
    """The CSP `img-src` sources for the allowed hosts."""
    return tuple(f"https://{host}" for host in parse_image_domains(domains))
