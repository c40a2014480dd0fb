"""SecurityMiddleware: HSTS only for requests that arrived over HTTPS, the fixed headers on every response."""

from __future__ import annotations

import asyncio

import pytest

from backend.config import load_settings
from skopx_ui import middleware


@pytest.fixture
def settings(monkeypatch):
    def use(**env: str):
        loaded = load_settings({"SKOPX_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8", **env})
        monkeypatch.setattr(middleware, "get_settings", lambda: loaded)
        middleware.content_security_policy.cache_clear()
        middleware.security_headers.cache_clear()
        return loaded

    use()
    yield use
    middleware.content_security_policy.cache_clear()
    middleware.security_headers.cache_clear()


def response_headers(
    *, client: str = "127.0.0.1", scheme: str = "http", headers=(), method: str = "GET"
) -> dict[str, str]:
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"server", b"granian")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": "/",
        "scheme": scheme,
        "client": (client, 51234),
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }
    asyncio.run(middleware.SecurityMiddleware(app)(scope, None, send))
    return {k.decode(): v.decode() for k, v in sent[0]["headers"]}


HTTPS_CASES = [
    pytest.param({"scheme": "https", "client": "203.0.113.9"}, True, id="TLS connection"),
    pytest.param({"headers": [("x-forwarded-proto", "https")]}, True, id="trusted proxy says https"),
    pytest.param(
        {"client": "10.1.2.3", "headers": [("x-forwarded-proto", "HTTPS")]}, True, id="trusted CIDR"
    ),
    pytest.param(
        {"client": "::ffff:127.0.0.1", "headers": [("x-forwarded-proto", "https")]},
        True,
        id="IPv4-mapped trusted proxy",
    ),
    pytest.param({}, False, id="plain http"),
    pytest.param({"headers": [("x-forwarded-proto", "http")]}, False, id="trusted proxy says http"),
    pytest.param(
        {"client": "203.0.113.9", "headers": [("x-forwarded-proto", "https")]},
        False,
        id="untrusted peer claims https",
    ),
    pytest.param(
        {"client": "127.0.0.1", "headers": [("x-forwarded-proto", "https, http")]},
        False,
        id="ambiguous forwarded proto",
    ),
    pytest.param(
        {"client": "unix-socket", "headers": [("x-forwarded-proto", "https")]}, False, id="no IP peer"
    ),
]


@pytest.mark.parametrize(("request_args", "expect_hsts"), HTTPS_CASES)
def test_hsts_only_when_the_request_arrived_over_https(settings, request_args, expect_hsts) -> None:
    headers = response_headers(**request_args)
    if expect_hsts:
        assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    else:
        assert "strict-transport-security" not in headers


def test_forwarded_proto_is_ignored_when_no_proxy_is_trusted(settings) -> None:
    settings(SKOPX_TRUSTED_PROXIES="")
    assert "strict-transport-security" not in response_headers(headers=[("x-forwarded-proto", "https")])


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_fixed_headers_on_every_response(settings, scheme) -> None:
    headers = response_headers(scheme=scheme)
    assert headers["x-xss-protection"] == "0"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["server"] == "skopx"


def test_a_refused_cross_origin_post_gets_the_same_headers(settings) -> None:
    headers = response_headers(
        method="POST", headers=[("origin", "https://evil.example"), ("x-forwarded-proto", "https")]
    )
    assert headers["content-type"] == "application/json"
    assert headers["x-xss-protection"] == "0"
    assert headers["strict-transport-security"].startswith("max-age=")


def img_src(csp: str) -> str:
    return next(d for d in csp.split("; ") if d.startswith("img-src "))


def test_img_src_is_our_origin_without_an_allowlist(settings) -> None:
    assert img_src(middleware.content_security_policy()) == "img-src 'self'"


def test_img_src_lists_each_allowed_host_over_https(settings) -> None:
    settings(SKOPX_IMAGE_DOMAINS="images.example.com, CDN.Example.org")
    assert img_src(middleware.content_security_policy()) == (
        "img-src 'self' https://images.example.com https://cdn.example.org"
    )
