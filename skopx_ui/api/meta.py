"""Health and security.txt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse

from backend import routes
from backend.config import get_settings
from backend.services.health import health_report


async def healthz(_: Request) -> JSONResponse:
    report = await health_report()
    status = 200 if report["status"] == "ok" else 503
    return JSONResponse(report, status_code=status, headers={"cache-control": "no-store"})


async def security_txt(_: Request) -> PlainTextResponse:
    settings = get_settings()
    body = (
        "Contact: mailto:security@skopx.dev\n"
        "Expires: 2027-11-30T00:00:00.000Z\n"
        "Preferred-Languages: en\n"
        f"Canonical: {settings.public_url}{routes.SECURITY_TXT}\n"
        f"Policy: {settings.public_url}{routes.SECURITY}\n"
    )
    return PlainTextResponse(body)
