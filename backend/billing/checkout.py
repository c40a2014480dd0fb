"""Stripe Checkout (hosted, `mode=subscription`) and Customer Portal sessions.

Inputs are clamped or refused here, whatever the UI sent: seats 1–500, only configured
price ids, and redirect URLs built from `settings.public_url`, never from user input.
Any Stripe failure becomes `BillingUnavailable` ("We couldn't reach billing...").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe

from backend import routes
from backend.billing.plans import Plan, plan_for_price
from backend.config import Settings
from backend.errors import Invalid, Unavailable

log = logging.getLogger(__name__)

MIN_SEATS, MAX_SEATS = 1, 500
BILLING_PATH = routes.BILLING
BILLING_UNREACHABLE = "We couldn't reach billing. Please try again."
UNKNOWN_PLAN = "That plan isn't available. Choose one of the plans on the pricing page."

T = TypeVar("T")


class BillingUnavailable(Unavailable):
    default_detail = BILLING_UNREACHABLE


@dataclass(frozen=True)
class CheckoutLink:
    session_id: str
    url: str


@dataclass(frozen=True)
class BillingUrls:
    success: str
    cancel: str
    portal_return: str


def billing_urls(settings: Settings, billing_path: str = BILLING_PATH) -> BillingUrls:
    base = settings.public_url.rstrip("/") + billing_path
    return BillingUrls(
        success=f"{base}?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
        cancel=f"{base}?checkout=cancelled",
        portal_return=base,
    )


def clamp_seats(seats: Any) -> int:
    """Seats as an int in [1, 500]; anything unreadable counts as 1."""
    try:
        value = int(seats)
    except (TypeError, ValueError, OverflowError):
        return MIN_SEATS
    return max(MIN_SEATS, min(MAX_SEATS, value))


def require_plan(price_id: Any, plans: tuple[Plan, ...] | None = None) -> Plan:
    plan = plan_for_price(price_id if isinstance(price_id, str) else None, plans)
    if plan is None:
        raise Invalid(UNKNOWN_PLAN, field="price_id")
    return plan


async def _call_stripe(call: Awaitable[T], action: str) -> T:
    try:
        return await call
    except stripe.StripeError as error:
        log.warning(
            "stripe %s failed: %s code=%s status=%s request_id=%s",
            action,
            type(error).__name__,
            error.code,
            error.http_status,
            error.request_id,
        )
        raise BillingUnavailable() from None


async def create_customer(
    client: stripe.StripeClient, *, org_id: str, org_name: str, email: str | None
) -> str:
    """A Stripe customer for the org; the idempotency key makes a double click create one customer."""
    params: dict[str, Any] = {"name": org_name, "metadata": {"org_id": org_id}}
    if email:
        params["email"] = email
    customer = await _call_stripe(
        client.v1.customers.create_async(
            params=params, options={"idempotency_key": f"skopx-customer-{org_id}"}
        ),
        "customer create",
    )
    return customer.id


async def create_checkout_session(
    client: stripe.StripeClient,
    settings: Settings,
    *,
    org_id: str,
    price_id: Any,
    seats: Any,
    customer_id: str | None = None,
    customer_email: str | None = None,
    plans: tuple[Plan, ...] | None = None,
) -> CheckoutLink:
    """A hosted Checkout session for `price_id` x `seats` (clamped); raises Invalid for unknown plans."""
    plan = require_plan(price_id, plans)
    urls = billing_urls(settings)
    metadata = {"org_id": org_id, "plan": plan.key}
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": plan.stripe_price_id, "quantity": clamp_seats(seats)}],
        "success_url": urls.success,
        "cancel_url": urls.cancel,
        "client_reference_id": org_id,
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
    }
    if customer_id:
        params["customer"] = customer_id
    elif customer_email:
        params["customer_email"] = customer_email
    session = await _call_stripe(client.v1.checkout.sessions.create_async(params=params), "checkout create")
    if not session.url:
        raise BillingUnavailable()
    return CheckoutLink(session_id=session.id, url=session.url)


async def create_portal_session(client: stripe.StripeClient, settings: Settings, *, customer_id: str) -> str:
    """The URL of a Customer Portal session that returns to the billing page."""
    params = {"customer": customer_id, "return_url": billing_urls(settings).portal_return}
    portal = await _call_stripe(
        client.v1.billing_portal.sessions.create_async(params=params), "portal create"
    )
    return portal.url


async def retrieve_subscription(client: stripe.StripeClient, subscription_id: str) -> stripe.Subscription:
    """The subscription as Stripe has it now (used to converge out-of-order webhooks)."""
    return await _call_stripe(
        client.v1.subscriptions.retrieve_async(subscription_id), "subscription retrieve"
    )
