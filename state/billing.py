"""Billing, pricing and the "subscription inactive" explanation page.

Handlers stay thin: read the query, call `backend.services.billing`, set view vars, redirect. Stripe
Checkout and the Customer Portal are external pages: `rx.redirect(<absolute url>)` navigates there.
A Stripe failure leaves everything as it was and says so ("We couldn't reach billing...").
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from backend.errors import Forbidden, Unauthenticated
from backend.services import billing, billing_access
from state.base import AppState
from state.handlers import guarded, handles_errors

CHECKOUT_NOTICES = {
    "success": ("success", "Thanks! Your payment went through and your subscription is active."),
    "cancelled": ("info", "Checkout was cancelled — nothing was charged."),
}
PENDING_CONFIRMATION = "Payment received — we're confirming it with Stripe. Refresh in a moment."


class BillingState(AppState):
    billing_exempt: ClassVar[bool] = True
    loaded: bool = False
    allowed: bool = False
    configured: bool = True
    status_label: str = ""
    status_tone: str = "neutral"
    has_live_subscription: bool = False
    payment_failed: bool = False
    period_label: str = "Renews on"
    plan_key: str = ""
    plan_name: str = ""
    seats: int = 1
    seats_input: str = "1"
    period_end: str = ""
    days_left: int = 0
    restricted: bool = False
    has_customer: bool = False
    can_manage: bool = False
    notice: str = ""
    notice_kind: str = "info"
    busy: str = ""

    def _show_error(self, text: str) -> None:
        """Billing's failures stand in the page's notice, where its other news appears."""
        self.notice_kind, self.notice = "error", text

    async def _refresh(self) -> None:
        view = await billing.overview(ctx=await self._context())
        self.configured, self.seats = view.configured, view.seats
        self.status_label, self.status_tone = view.status_label, view.status_tone
        self.has_live_subscription, self.payment_failed = view.live, view.payment_failed
        self.period_label = view.period_label
        self.plan_key, self.plan_name = view.plan_key, view.plan_name
        self.period_end = view.current_period_end.strftime("%B %-d, %Y") if view.current_period_end else ""
        self.days_left, self.restricted = view.days_left, view.restricted
        self.has_customer, self.can_manage = view.has_customer, view.can_manage
        self.seats_input = str(view.seats)

    @rx.event
    @guarded
    async def load(self):
        """Owners and admins see billing; everyone else is refused."""
        self.loaded, self.busy, self.notice = False, "", ""
        try:
            await self._refresh()
            self.allowed = True
        except Forbidden:
            self.allowed = False
        finally:
            self.loaded = True
        outcome = self.router.url.query_parameters.get("checkout", "")
        if outcome in CHECKOUT_NOTICES:
            self.notice_kind, self.notice = CHECKOUT_NOTICES[outcome]
            if outcome == "success" and not self.has_live_subscription:
                self.notice_kind, self.notice = "info", PENDING_CONFIRMATION
        return None

    @rx.event
    def set_seats(self, value: str):
        self.seats_input = value

    def _not_busy(self, _error: Exception) -> None:
        self.busy = ""

    @rx.event
    @handles_errors(on_failure="_not_busy")
    async def subscribe(self, price_id: str):
        """Hosted Checkout for `price_id` (seats clamped server-side); owners only."""
        self.busy, self.notice = price_id, ""
        yield
        url = await billing.start_checkout(
            ctx=await self._context(), price_id=price_id, seats=self.seats_input
        )
        yield rx.redirect(url)

    @rx.event
    @handles_errors(on_failure="_not_busy")
    async def manage_payment(self):
        """The Stripe Customer Portal (payment details, plan changes, cancellation); owners only."""
        self.busy, self.notice = "portal", ""
        yield
        url = await billing.portal_url(ctx=await self._context())
        yield rx.redirect(url)


class PricingState(BillingState):
    """The public pricing page: signed-out visitors get sign-up links, owners get checkout."""

    signed_in: bool = False
    checked: bool = False

    @rx.event
    @handles_errors()
    async def load_pricing(self):
        self.checked, self.notice, self.busy = False, "", ""
        try:
            try:
                has_org = await self._load_identity()
            except Unauthenticated:
                self.signed_in = False
                return
            self.signed_in = True
            if has_org and self.is_admin:
                try:
                    await self._refresh()
                except billing.BillingUnavailable as error:
                    self._show_error(error.detail)
        finally:
            self.checked = True


class InactiveState(AppState):
    """The page members of a restricted organization are sent to."""

    billing_exempt: ClassVar[bool] = True
    inactive_status: str = ""
    inactive_restricted: bool = True
    inactive_reason: str = ""
    owners: list[str] = []

    @rx.event
    @guarded
    async def load_inactive(self):
        summary = await billing_access.inactive_summary(ctx=await self._context())
        self.inactive_status = summary.status
        self.inactive_restricted = summary.restricted
        self.inactive_reason = summary.reason
        self.owners = list(summary.owners)
        return None
