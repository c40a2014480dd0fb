"""One place that turns outcomes into HTTP answers: JSON for scripts, 303 for plain forms."""

from __future__ import annotations

import json
import logging
import re
import uuid
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from backend.errors import AppError, RateLimited

log = logging.getLogger("skopx.api")

MAX_BODY_BYTES = 1024 * 1024
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or request.headers.get(
        "content-type", ""
    ).startswith("application/json")


async def read_body_bytes(request: Request, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The raw body, read as it arrives; None as soon as it grows past `limit`."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def _json_body(request: Request) -> object:
    body = await read_body_bytes(request)
    return None if body is None else json.loads(body)


def _decoded(value: str) -> str:
    # JSON's \ud800 escapes give lone surrogates, which no UTF-8 encoder (rate-limit keys, redirect
    # URLs, the database driver) accepts; they become U+FFFD, as invalid UTF-8 in a form does.
    return _SURROGATE.sub("\ufffd", value)


async def read_form(request: Request) -> dict[str, str]:
    """Form or JSON body as a flat dict of strings. Never raises: an unparseable body, or a JSON body
    over 1 MiB (Starlette's limit for one form field), is empty; non-text JSON values are absent."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await _json_body(request)
            items = body.items() if isinstance(body, dict) else ()
        else:
            items = (await request.form()).items()
        return {_decoded(k): _decoded(v) for k, v in items if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - malformed bodies are bad input, not server errors
        return {}


def success(request: Request, redirect_to: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": True, "redirect": redirect_to}, headers=headers)
    return RedirectResponse(redirect_to, status_code=303, headers=headers)


def failure(
    request: Request,
    error: AppError,
    *,
    back_to: str,
    code: str,
    keep: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    headers = dict(headers or {})
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if wants_json(request):
        body = {"ok": False, "code": code, "detail": error.detail, "field": error.field}
        if isinstance(error, RateLimited):
            body["retry_after"] = error.retry_after
        return JSONResponse(body, status_code=error.status_code, headers=headers)
    params = {"error": code, **({"field": error.field} if error.field else {}), **(keep or {})}
    if isinstance(error, RateLimited):
        params["retry_after"] = str(error.retry_after)
    return RedirectResponse(f"{back_to}?{urlencode(params)}", status_code=303, headers=headers)


def unexpected(request: Request, error: Exception, *, back_to: str) -> Response:
    incident = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s on %s", incident, request.url.path, exc_info=error)
    generic = AppError(f"Something went wrong on our side (reference {incident}). Please try again.")
    generic.status_code = 500
    return failure(request, generic, back_to=back_to, code="server")
