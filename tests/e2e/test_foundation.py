"""The public pages and the security envelope, in real Chromium against the production build."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e_support import screenshot

REQUIRED_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(self), geolocation=(self)",
    "cross-origin-opener-policy": "same-origin",
    "x-xss-protection": "0",
}
CSP_DIRECTIVES = (
    "default-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
)


def assert_security_headers(headers: httpx.Headers) -> None:
    for name, value in REQUIRED_HEADERS.items():
        assert headers.get(name) == value, name
    csp = headers["content-security-policy"]
    for directive in CSP_DIRECTIVES:
        assert directive in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert re.search(r"'sha256-[A-Za-z0-9+/=]{44}'", script_src)
    assert "x-powered-by" not in headers
    assert headers.get("server") == "skopx", "the server software and its version stay unnamed"
    assert "strict-transport-security" not in headers, "these tests speak plain HTTP"


def test_landing_renders_without_console_errors(page: Page, app_url: str, console) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name=re.compile("AI workspace"))).to_be_visible()
    expect(page.get_by_role("link", name="Create your workspace")).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "landing")
    assert console.csp_violations == []
    assert console.errors == []


def test_security_page_describes_the_model(page: Page, app_url: str, console) -> None:
    page.goto(f"{app_url}/security")
    expect(page.get_by_role("heading", name="How Skopx protects your data")).to_be_visible()
    expect(page.get_by_text("row-level security enabled and forced")).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "security")
    assert console.errors == []


@pytest.mark.parametrize("path", ["/", "/healthz", "/security"])
def test_security_headers_on_pages_and_health(app_url: str, path: str) -> None:
    response = httpx.get(f"{app_url}{path}", follow_redirects=True)
    assert response.status_code == 200
    assert_security_headers(response.headers)
    for hop in response.history:
        assert_security_headers(hop.headers)


def test_hsts_when_a_trusted_proxy_forwarded_https(app_url: str) -> None:
    # The e2e app trusts 127.0.0.1 as its proxy (tests/e2e_support.py).
    response = httpx.get(f"{app_url}/", headers={"x-forwarded-proto": "https"})
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


def test_every_script_the_landing_page_loads_has_its_integrity(app_url: str) -> None:
    html = httpx.get(app_url).text
    tags = re.findall(r'<script[^>]*\bsrc="[^"]*"[^>]*>|<link[^>]*rel="modulepreload"[^>]*>', html)
    assert len(tags) > 5
    for tag in tags:
        url = re.search(r'(?:src|href)="([^"]+)"', tag).group(1)
        integrity = re.search(r'integrity="sha384-([A-Za-z0-9+/=]+)"', tag)
        assert integrity, f"no integrity on {tag}"
        body = httpx.get(app_url + url).content
        assert base64.b64decode(integrity.group(1)) == hashlib.sha384(body).digest(), url


def test_security_headers_on_a_javascript_asset(app_url: str) -> None:
    html = httpx.get(app_url).text
    asset = re.search(r'src="(/assets/[^"]+\.js)"|href="(/assets/[^"]+\.js)"', html)
    assert asset, "no JS asset referenced from the landing page"
    response = httpx.get(app_url + (asset.group(1) or asset.group(2)))
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert_security_headers(response.headers)


def test_healthz_reports_database_and_migrations(app_url: str) -> None:
    body = httpx.get(f"{app_url}/healthz").json()
    assert body == {"status": "ok", "app": True, "database": True, "migrations_current": True}


def test_security_txt_has_a_contact(app_url: str) -> None:
    response = httpx.get(f"{app_url}/.well-known/security.txt")
    assert response.status_code == 200
    assert response.text.startswith("Contact: mailto:")


def test_foreign_origin_websocket_is_refused(app_url: str) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    ws_url = app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url, origin="https://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403
    with connect(ws_url, origin=app_url, open_timeout=10) as accepted:
        assert accepted.recv(timeout=10).startswith("0")  # engine.io "open" packet


def test_foreign_origin_post_is_refused(app_url: str) -> None:
    response = httpx.post(f"{app_url}/api/auth/logout", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert_security_headers(response.headers)


def test_cors_preflight_from_a_foreign_origin_gets_no_allowance(app_url: str) -> None:
    preflight = {"access-control-request-method": "POST"}
    foreign = httpx.options(
        f"{app_url}/api/auth/login", headers={"origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in foreign.headers
    own = httpx.options(f"{app_url}/api/auth/login", headers={"origin": app_url, **preflight})
    assert own.headers.get("access-control-allow-origin") == app_url
