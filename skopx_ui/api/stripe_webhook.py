"""POST /api/stripe/webhook: Stripe's signed events.

The exact raw body bytes are verified (never re-serialised JSON). Answers:
400 bad/missing signature, stale timestamp, tampered or oversized body; 503 billing not configured or
Stripe unreachable while applying (Stripe retries later); 200 otherwise, including event types we do not
handle (nothing is written for those). The signature is the authentication, so the route is exempt from
the Origin check.
"""

from __future__ import annotations

import logging
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse

from backend.errors import AppError
from backend.services import billing

log = logging.getLogger("skopx.api.stripe")

MAX_BODY_BYTES = 512 * 1024  # Stripe events are a few KB; refuse anything absurd before verifying


async def stripe_webhook(request: Request) -> JSONResponse:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return JSONResponse({"detail": "Webhook payload too large."}, status_code=400)
    raw_body = await request.body()
    if len(raw_body) > MAX_BODY_BYTES:
        return JSONResponse({"detail": "Webhook payload too large."}, status_code=400)
    try:
        outcome = await billing.handle_webhook(
            raw_body=raw_body, signature=request.headers.get("stripe-signature")
        )
    except AppError as error:
        if error.status_code >= 500:
            log.warning("stripe webhook not applied: %s", error.detail)
        return JSONResponse({"detail": error.detail}, status_code=error.status_code)
    except Exception as error:
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error %s in the Stripe webhook", incident, exc_info=error)
        return JSONResponse({"detail": f"Internal error (reference {incident})."}, status_code=500)
    return JSONResponse({"received": True, "result": outcome.result})
