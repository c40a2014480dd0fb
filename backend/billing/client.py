"""The configured Stripe client (stripe-python 16 `StripeClient`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import stripe

from backend.config import Settings
from backend.errors import Unavailable

BILLING_NOT_CONFIGURED = "Billing is not configured."
# Stripe retries connection errors and 409/5xx itself, with idempotency keys on POSTs.
DEFAULT_NETWORK_RETRIES = 1


if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses


class BillingNotConfigured(Unavailable):
    default_detail = BILLING_NOT_CONFIGURED


def stripe_client(
    settings: Settings, *, max_network_retries: int = DEFAULT_NETWORK_RETRIES
) -> stripe.StripeClient:
    """A client for `settings.stripe_secret_key`, against `settings.stripe_api_base` when set (tests)."""
    if not settings.stripe_secret_key:
        raise BillingNotConfigured()
    base_addresses: BaseAddresses = {}
    if settings.stripe_api_base:
        base_addresses["api"] = settings.stripe_api_base.rstrip("/")
    return stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses=base_addresses,
        max_network_retries=max_network_retries,
    )
