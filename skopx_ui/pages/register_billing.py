"""Pricing (public), billing (owners manage, admins read) and the "subscription inactive" explanation."""

import reflex as rx

from skopx_ui.pages import billing, billing_inactive, pricing
from skopx_ui.pages.shell import protected
from state import routes
from state.billing import BillingState, InactiveState, PricingState

BILLING_INACTIVE = "/billing/inactive"


def register(app: rx.App) -> None:
    app.add_page(
        pricing.page, route=routes.PRICING, title="Pricing — Skopx", on_load=PricingState.load_pricing
    )
    app.add_page(
        protected(billing.content, active="billing"),
        route=routes.BILLING,
        title="Billing — Skopx",
        on_load=BillingState.load,
    )
    app.add_page(
        protected(billing_inactive.content, active="inactive"),
        route=BILLING_INACTIVE,
        title="Subscription inactive — Skopx",
        on_load=InactiveState.load_inactive,
    )
