"""Billing with Stripe: plans, hosted checkout and portal sessions, webhook verification.

Plain Python (no Reflex, no SQL); `backend.services` persists subscription state.
"""

from backend.billing.checkout import (
    BillingUnavailable,
    CheckoutLink,
    clamp_seats,
    create_checkout_session,
    create_customer,
    create_portal_session,
    retrieve_subscription,
)
from backend.billing.client import BillingNotConfigured, stripe_client
from backend.billing.plans import Plan, get_plans, plan_for_price
from backend.billing.subscription_state import (
    SubscriptionState,
    subscription_id_from_event,
    subscription_state_from_event,
    subscription_state_from_subscription,
)
from backend.billing.webhooks import ALLOWED_EVENT_TYPES, InvalidWebhook, is_handled, parse_event

__all__ = [
    "ALLOWED_EVENT_TYPES",
    "BillingNotConfigured",
    "BillingUnavailable",
    "CheckoutLink",
    "InvalidWebhook",
    "Plan",
    "SubscriptionState",
    "clamp_seats",
    "create_checkout_session",
    "create_customer",
    "create_portal_session",
    "get_plans",
    "is_handled",
    "parse_event",
    "plan_for_price",
    "retrieve_subscription",
    "stripe_client",
    "subscription_id_from_event",
    "subscription_state_from_event",
    "subscription_state_from_subscription",
]
