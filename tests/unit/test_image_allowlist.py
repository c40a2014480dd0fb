"""The image rule (backend/images.py) against hostile URLs, in Python and in the browser's RegExp engine."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from backend.config import SettingsError, load_settings
from backend.images import image_allowed, image_url_pattern, parse_image_domains

DOMAINS = ("allowed.com", "img.example.org")

ALLOWED = [
    "https://allowed.com/x.png",
    "https://allowed.com",
    "https://img.example.org/a/b/c.webp?size=2&v=3#top",
    "https://allowed.com/my%20image.png",
    "https://allowed.com/x.png?redirect=https://evil.com",  # a query is not a host
    "https://allowed.com/path@evil.com/x.png",  # "@" after the first "/" is part of the path
    "HTTPS://ALLOWED.COM/X.PNG",
    "https://Allowed.Com/x.png",
]

REFUSED = [
    # userinfo: the host is what follows "@"
    "https://allowed.com@evil.com/x.png",
    "https://user:pw@allowed.com/x.png",
    "https://allowed.com:pw@evil.com/x.png",
    # look-alike hosts
    "https://allowed.com.evil.com/x.png",
    "https://evilallowed.com/x.png",
    "https://sub.allowed.com/x.png",
    "https://allowed.co/x.png",
    "https://allowed.com./x.png",
    # IDN and punycode homographs (Cyrillic "а", Greek "ο", the Kelvin sign, full-width letters)
    "https://\u0430llowed.com/x.png",
    "https://xn--llowed-2nf.com/x.png",
    "https://allowed.c\u03bfm/x.png",
    "https://\uff41llowed.com/x.png",
    "https://img.example.org\u3002evil.com/x.png",
    "https://allowed.com/\u212a.png",  # non-ASCII in the path must be percent-encoded
    "https://\u212aallowed.com/x.png",
    # ports
    "https://allowed.com:8443/x.png",
    "https://allowed.com:443/x.png",
    # schemes
    "http://allowed.com/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
    "ftp://allowed.com/x.png",
    "blob:https://allowed.com/1234",
    "https:allowed.com/x.png",
    # protocol-relative and relative
    "//evil.com/x.png",
    "//allowed.com/x.png",
    "/api/auth/logout",
    "x.png",
    "",
    # backslashes
    "https://allowed.com\\@evil.com/x.png",
    "https:\\\\evil.com/x.png",
    "https:/\\evil.com/x.png",
    "https://evil.com\\allowed.com/x.png",
    # whitespace and control characters
    " https://allowed.com/x.png",
    "https://allowed.com/x.png ",
    "https://allowed.com/x .png",
    "https://allo\twed.com/x.png",
    "https://allowed.com\n@evil.com/x.png",
    "https://allowed.com/x.png\n",
    "https://allowed.com\x00.evil.com/x.png",
    "https://allowed.com/\x7f",
    # percent-encoding inside the host
    "https://allowed%2Ecom/x.png",
    "https://allowed.com%2F@evil.com/x.png",
    "https://allowed.com%40evil.com/x.png",
    "https://%61llowed.com/x.png",
    "https://evil.com/%2F%2Fallowed.com/x.png",
    # characters a URL never carries unencoded
    'https://allowed.com/x.png"onerror="alert(1)',
    "https://allowed.com/<script>",
    "https://[::1]/x.png",
]


@pytest.mark.parametrize("url", ALLOWED)
def test_allowed_images(url: str) -> None:
    assert image_allowed(url, DOMAINS)


@pytest.mark.parametrize("url", REFUSED)
def test_hostile_urls_are_refused(url: str) -> None:
    assert not image_allowed(url, DOMAINS)


@pytest.mark.parametrize("url", ALLOWED[:1] + REFUSED[:3])
def test_no_allowlist_allows_nothing(url: str) -> None:
    assert not image_allowed(url, ())


def test_the_browser_reads_the_pattern_the_same_way() -> None:
    """The Markdown renderer compiles the same string with JavaScript's RegExp: same verdict for every URL."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    urls = ALLOWED + REFUSED
    script = (
        "const [pattern, urls] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const re = new RegExp(pattern);"
        "process.stdout.write(JSON.stringify(urls.map((u) => re.test(u))));"
    )
    payload = json.dumps([image_url_pattern(DOMAINS), urls])
    result = subprocess.run(
        [node, "-e", script], input=payload, capture_output=True, text=True, check=True, timeout=30
    )
    assert json.loads(result.stdout) == [image_allowed(u, DOMAINS) for u in urls]
    assert json.loads(result.stdout) == [True] * len(ALLOWED) + [False] * len(REFUSED)


def test_the_pattern_is_flagless_ascii() -> None:
    pattern = image_url_pattern(DOMAINS)
    assert pattern.isascii()
    assert re.fullmatch(pattern, "https://allowed.com/x.png", re.ASCII)


@pytest.mark.parametrize(
    "entry",
    [
        "https://allowed.com",
        "allowed.com:443",
        "allowed.com/images",
        "*.allowed.com",
        "user@allowed.com",
        "\u0430llowed.com",
        "allowed..com",
        "-allowed.com",
        "allowed com",
    ],
)
def test_allowlist_entries_must_be_plain_host_names(entry: str) -> None:
    with pytest.raises(ValueError, match="SKOPX_IMAGE_DOMAINS"):
        parse_image_domains([entry])


def test_allowlist_is_lower_cased_and_deduplicated() -> None:
    assert parse_image_domains(["Allowed.COM", "allowed.com", "xn--bcher-kva.example"]) == (
        "allowed.com",
        "xn--bcher-kva.example",
    )


def test_settings_read_the_allowlist_and_refuse_a_bad_entry() -> None:
    assert load_settings({"SKOPX_IMAGE_DOMAINS": " a.example , B.example "}).image_domains == (
        "a.example",
        "b.example",
    )
    assert load_settings({}).image_domains == ()
    with pytest.raises(SettingsError, match=re.escape("https://a.example")):
        load_settings({"SKOPX_IMAGE_DOMAINS": "https://a.example"})
