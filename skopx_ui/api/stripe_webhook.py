"""POST /api/stripe/webhook: Stripe's signed events."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


async def stripe_webhook(request: Request) -> JSONResponse:
    return JSONResponse({"detail": "Billing is not configured."}, status_code=503)
