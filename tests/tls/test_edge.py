"""What Caddy in front of the app promises: HTTPS only over TLS 1.3, HTTP redirected, websockets through."""

from __future__ import annotations

import socket
import ssl

import httpx
import pytest

from tests.tls.conftest import TLS_APP_PORT


def test_http_redirects_permanently_to_https(site: str) -> None:
    response = httpx.get("http://localhost/security?x=1", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == f"{site}/security?x=1"


def test_https_serves_the_app_with_hsts(site: str, trusting_context: ssl.SSLContext) -> None:
    response = httpx.get(f"{site}/", verify=trusting_context)
    assert response.status_code == 200
    assert response.http_version in {"HTTP/1.1", "HTTP/2"}
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert response.headers.get_list("server") == ["skopx"]
    assert "set-cookie" not in response.headers


def test_the_app_sends_hsts_only_for_what_came_over_https(site: str) -> None:
    """Straight to the app (plain HTTP from 127.0.0.1, a trusted proxy here): the proxy's word decides."""
    app = f"http://127.0.0.1:{TLS_APP_PORT}/security"
    assert "strict-transport-security" in httpx.get(app, headers={"x-forwarded-proto": "https"}).headers
    assert "strict-transport-security" not in httpx.get(app).headers


def test_tls_1_2_is_refused(site: str) -> None:
    tls12 = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    tls12.check_hostname = False
    tls12.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("localhost", 443), timeout=10) as raw, pytest.raises(ssl.SSLError):
        tls12.wrap_socket(raw, server_hostname="localhost")


def test_tls_1_3_is_accepted(site: str, trusting_context: ssl.SSLContext) -> None:
    with (
        socket.create_connection(("localhost", 443), timeout=10) as raw,
        trusting_context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() == "TLSv1.3"


def test_the_websocket_is_proxied(site: str, trusting_context: ssl.SSLContext) -> None:
    from websockets.sync.client import connect

    url = site.replace("https://", "wss://") + "/_event/?EIO=4&transport=websocket"
    with connect(url, origin=site, ssl=trusting_context, open_timeout=15) as ws:
        assert ws.recv(timeout=15).startswith("0")  # engine.io "open" packet
