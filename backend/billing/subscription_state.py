"""A plain snapshot of an org's subscription, read from a webhook event or a retrieved subscription.

The service layer persists it (idempotently, through `stripe_events`); nothing here touches
the database. `org_ref` comes from metadata we set at checkout: match orgs by customer id
first and treat `org_ref` only as the link made by `checkout.session.completed`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

SubscriptionStatus = Literal["pending", "trialing", "active", "past_due", "canceled"]

# Stripe status -> Skopx status. `unpaid`/`paused` keep the past-due rules (grace, then restricted).
_STATUS_MAP: dict[str, SubscriptionStatus] = {
    "incomplete": "pending",
    "incomplete_expired": "canceled",
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "paused": "past_due",
    "canceled": "canceled",
}
SUBSCRIPTION_EVENT_TYPES = frozenset(
    {"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
)


@dataclass(frozen=True)
class SubscriptionState:
    customer_id: str | None
    subscription_id: str | None
    status: SubscriptionStatus | None  # None: the event does not say; keep the stored status
    price_id: str | None = None
    seats: int | None = None
    current_period_end: int | None = None  # unix seconds
    event_created: int | None = None  # event.created, or the fetch time for a retrieved subscription
    event_type: str | None = None
    org_ref: str | None = None


def as_dict(stripe_object: Any) -> dict[str, Any]:
    """A plain dict from a `stripe.StripeObject` (events, subscriptions) or a dict."""
    if stripe_object is None:
        return {}
    if isinstance(stripe_object, dict):
        return stripe_object
    return stripe_object.to_dict()


def normalize_status(stripe_status: str | None) -> SubscriptionStatus:
    return _STATUS_MAP.get(stripe_status or "", "pending")


def _id_of(value: Any) -> str | None:
    """Stripe fields hold either an id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None


def subscription_state_from_subscription(
    subscription: Any, *, event_created: int | None = None, event_type: str | None = None
) -> SubscriptionState:
    data = as_dict(subscription)
    items = (data.get("items") or {}).get("data") or []
    first_item = items[0] if items else {}
    period_end = first_item.get("current_period_end") or data.get("current_period_end")
    status = (
        "canceled" if event_type == "customer.subscription.deleted" else normalize_status(data.get("status"))
    )
    return SubscriptionState(
        customer_id=_id_of(data.get("customer")),
        subscription_id=data.get("id"),
        status=status,
        price_id=_id_of(first_item.get("price")),
        seats=int(first_item["quantity"]) if first_item.get("quantity") is not None else None,
        current_period_end=int(period_end) if period_end else None,
        event_created=event_created if event_created is not None else int(time.time()),
        event_type=event_type,
        org_ref=(data.get("metadata") or {}).get("org_id"),
    )


def subscription_id_from_event(event: Any) -> str | None:
    """The subscription an allowed event is about (for re-fetching), if any."""
    data = as_dict(event)
    obj = (data.get("data") or {}).get("object") or {}
    kind = obj.get("object")
    if kind == "subscription":
        return obj.get("id")
    if kind == "checkout.session":
        return _id_of(obj.get("subscription"))
    if kind == "invoice":
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        return _id_of(details.get("subscription")) or _id_of(obj.get("subscription"))
    return None


def subscription_state_from_event(event: Any) -> SubscriptionState | None:
    """What the event says about the subscription; None for events about something else.

    Subscription events carry the full state. `checkout.session.completed` and invoice
    events only link customer/subscription (status None): re-fetch the subscription
    (`checkout.retrieve_subscription`) for its state.
    """
    data = as_dict(event)
    event_type, created = data.get("type"), data.get("created")
    obj = (data.get("data") or {}).get("object") or {}
    if event_type in SUBSCRIPTION_EVENT_TYPES:
        return subscription_state_from_subscription(obj, event_created=created, event_type=event_type)
    if obj.get("object") not in {"checkout.session", "invoice"}:
        return None
    org_ref = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("org_id")
    return SubscriptionState(
        customer_id=_id_of(obj.get("customer")),
        subscription_id=subscription_id_from_event(data),
        status=None,
        event_created=created,
        event_type=event_type,
        org_ref=org_ref,
    )
