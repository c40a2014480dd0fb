"""Verifying Stripe webhooks: raw body + `Stripe-Signature` + the endpoint secret.

The route must pass the exact bytes received (not re-serialised JSON). Missing or invalid
signatures, tampered bodies, and timestamps more than 300 s away raise `InvalidWebhook`
(answer 400). Handle only `ALLOWED_EVENT_TYPES`; answer 2xx to the rest without effect.
"""

from __future__ import annotations

import time

import stripe

from backend.billing.client import BillingNotConfigured
from backend.errors import AppError

WEBHOOK_TOLERANCE_SECONDS = 300
ALLOWED_EVENT_TYPES = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    }
)


class InvalidWebhook(AppError):
    status_code = 400
    default_detail = "Invalid webhook."


def _signature_timestamp(signature_header: str) -> int | None:
    for part in signature_header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return None


def parse_event(
    raw_body: bytes,
    signature_header: str | None,
    secret: str | None,
    *,
    tolerance: int = WEBHOOK_TOLERANCE_SECONDS,
) -> stripe.Event:
    """The verified event, or `InvalidWebhook`; `BillingNotConfigured` when no secret is set."""
    if not secret:
        raise BillingNotConfigured()
    if not isinstance(raw_body, bytes | bytearray):
        raise TypeError("parse_event needs the raw request body as bytes")
    if not signature_header or not signature_header.strip():
        raise InvalidWebhook("Missing Stripe-Signature header.")
    timestamp = _signature_timestamp(signature_header)
    if timestamp is not None and timestamp > time.time() + tolerance:
        raise InvalidWebhook("Stripe signature timestamp is outside the tolerance.")
    try:
        return stripe.Webhook.construct_event(bytes(raw_body), signature_header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError:
        raise InvalidWebhook("Invalid Stripe signature.") from None
    except ValueError:  # not JSON / not UTF-8, though correctly signed
        raise InvalidWebhook("Invalid webhook payload.") from None


def is_handled(event: stripe.Event) -> bool:
    return event.type in ALLOWED_EVENT_TYPES
