"""Pure ASGI middleware: strict security headers and Origin checks on every response.

The CSP allows each inline script of the current frontend build by its sha256 hash.
Hashes are computed lazily on the first request in each worker (the build may not
exist yet when the module is imported) and cached. Images are allowed from our origin
and from the hosts of SKOPX_IMAGE_DOMAINS (`backend/images.py`).

HSTS is sent only on responses to requests that arrived over HTTPS: the connection's
own scheme, or `X-Forwarded-Proto: https` set by a trusted proxy (SKOPX_TRUSTED_PROXIES,
the same list the rate limits trust). A browser ignores HSTS over plain HTTP anyway, and
a header a client can forge is not trusted.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from backend import routes
from backend.config import PROJECT_ROOT, get_settings
from backend.images import image_sources
from backend.ratelimit.client import is_trusted_proxy

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

BUILD_DIR = PROJECT_ROOT / ".web" / "build" / "client"
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STRIPPED_RESPONSE_HEADERS = {b"server", b"x-powered-by"}
HSTS = "max-age=63072000; includeSubDomains"


def inline_script_hashes(build_dir: Path) -> tuple[str, ...]:
    hashes: set[str] = set()
    for html in build_dir.rglob("*.html"):
        for body in INLINE_SCRIPT.findall(html.read_bytes()):
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return tuple(sorted(hashes))


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    script_src = " ".join(("'self'", *inline_script_hashes(BUILD_DIR)))
    img_src = " ".join(("'self'", *image_sources(get_settings().image_domains)))
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {script_src}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img_src}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )


@lru_cache(maxsize=2)
def security_headers(https: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = {
        "content-security-policy": content_security_policy(),
        **({"strict-transport-security": HSTS} if https else {}),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(), microphone=(self), geolocation=(self)",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        # "0" switches off the XSS auditors of old browsers: their blocking mode could be abused to
        # leak data across sites, and the CSP is the protection (see the /security page).
        "x-xss-protection": "0",
        # The HTTP server names itself (and so its version's known flaws) unless the app sets this.
        "server": "skopx",
    }
    return tuple((k.encode(), v.encode()) for k, v in headers.items())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def peer_is_trusted_proxy(scope: Scope, trusted_proxies: tuple[str, ...]) -> bool:
    return is_trusted_proxy((scope.get("client") or ("",))[0], trusted_proxies)


def arrived_over_https(scope: Scope, trusted_proxies: tuple[str, ...]) -> bool:
    """The connection itself is TLS, or a trusted proxy says it terminated TLS for this request."""
    if scope.get("scheme") == "https":
        return True
    forwarded = (_header(scope, b"x-forwarded-proto") or "").strip().lower()
    return forwarded == "https" and peer_is_trusted_proxy(scope, trusted_proxies)


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    """No Origin (same-origin navigation, server-to-server) is fine; a foreign one is not."""
    return origin is None or origin.rstrip("/") in {a.rstrip("/") for a in allowed}


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] == "websocket":
            if not origin_allowed(_header(scope, b"origin"), get_settings().allowed_origins):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = security_headers(arrived_over_https(scope, get_settings().trusted_proxies))
        if scope["method"] in UNSAFE_METHODS and not self._exempt(scope):
            origin = _header(scope, b"origin")
            if not origin_allowed(origin, get_settings().allowed_origins):
                await self._refuse(send, headers)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in STRIPPED_RESPONSE_HEADERS
                ]
                present = {k.lower() for k, _ in kept}
                kept.extend((k, v) for k, v in headers if k not in present)
                message = {**message, "headers": kept}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _exempt(scope: Scope) -> bool:
        # Stripe's webhook comes from Stripe's servers; its signature is its authentication.
        return scope["path"] == routes.STRIPE_WEBHOOK

    @staticmethod
    async def _refuse(send, headers: tuple[tuple[bytes, bytes], ...]) -> None:
        body = b'{"detail":"Cross-origin request refused."}'
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"application/json"), *headers],
            }
        )
        await send({"type": "http.response.body", "body": body})
