"""Billing, pricing and the "subscription inactive" explanation page.

Handlers stay thin: read the query, call `backend.services.billing`, set view vars, redirect. Stripe
Checkout and the Customer Portal are external pages: `rx.redirect(<absolute url>)` navigates there.
A Stripe failure leaves everything as it was and says so ("We couldn't reach billing...").
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from backend.billing import BillingUnavailable
from backend.errors import AppError, Forbidden, Unauthenticated
from backend.services import billing, billing_access
from state.base import AppState, guarded

CHECKOUT_NOTICES = {
    "success": ("success", "Thanks! Your payment went through and your subscription is active."),
    "cancelled": ("info", "Checkout was cancelled — nothing was charged."),
}
PENDING_CONFIRMATION = "Payment received — we're confirming it with Stripe. Refresh in a moment."
STATUS_LABELS = {
    "active": "Active",
    "trialing": "Trial",
    "past_due": "Payment overdue",
    "canceled": "Cancelled",
    "pending": "No subscription",
}
LIVE = ("active", "trialing", "past_due")


class BillingState(AppState):
    billing_exempt: ClassVar[bool] = True
    loaded: bool = False
    allowed: bool = False
    configured: bool = True
    status: str = "pending"
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

    @rx.var
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @rx.var
    def has_live_subscription(self) -> bool:
        return self.status in LIVE

    def _show_error(self, error: Exception):
        if isinstance(error, Unauthenticated):
            return self._fail(error)
        self.notice_kind = "error"
        self.notice = (
            error.detail if isinstance(error, AppError) else "Something went wrong. Please try again."
        )
        return self._fail(error)

    async def _refresh(self) -> None:
        view = await billing.overview(ctx=await self._context())
        self.configured, self.status, self.seats = view.configured, view.status, view.seats
        self.plan_key, self.plan_name = view.plan_key, view.plan_name
        self.period_end = view.current_period_end.strftime("%B %-d, %Y") if view.current_period_end else ""
        self.days_left, self.restricted = view.days_left, view.restricted
        self.has_customer, self.can_manage = view.has_customer, view.can_manage
        self.seats_input = str(view.seats)

    @rx.event
    @guarded
    async def load(self):
        """on_load after `guard`: owners and admins see billing; everyone else is refused."""
        self.loaded, self.busy, self.notice = False, "", ""
        if not self.authenticated:
            return None
        try:
            await self._refresh()
            self.allowed = True
        except Forbidden:
            self.allowed = False
        except Exception as error:  # noqa: BLE001
            self.loaded = True
            return self._show_error(error)
        self.loaded = True
        outcome = self.router.url.query_parameters.get("checkout", "")
        if outcome in CHECKOUT_NOTICES:
            self.notice_kind, self.notice = CHECKOUT_NOTICES[outcome]
            if outcome == "success" and self.status not in LIVE:
                self.notice_kind, self.notice = "info", PENDING_CONFIRMATION
        return None

    @rx.event
    def set_seats(self, value: str):
        self.seats_input = value

    @rx.event
    async def subscribe(self, price_id: str):
        """Hosted Checkout for `price_id` (seats clamped server-side); owners only."""
        self.busy, self.notice = price_id, ""
        yield
        try:
            url = await billing.start_checkout(
                ctx=await self._context(), price_id=price_id, seats=self.seats_input
            )
        except Exception as error:  # noqa: BLE001
            self.busy = ""
            yield self._show_error(error)
            return
        yield rx.redirect(url)

    @rx.event
    async def manage_payment(self):
        """The Stripe Customer Portal (payment details, plan changes, cancellation); owners only."""
        self.busy, self.notice = "portal", ""
        yield
        try:
            url = await billing.portal_url(ctx=await self._context())
        except Exception as error:  # noqa: BLE001
            self.busy = ""
            yield self._show_error(error)
            return
        yield rx.redirect(url)


class PricingState(BillingState):
    """The public pricing page: signed-out visitors get sign-up links, owners get checkout."""

    signed_in: bool = False
    checked: bool = False

    @rx.event
    async def load_pricing(self):
        self.checked, self.notice, self.busy = False, "", ""
        try:
            has_org = await self._load_identity()
        except Unauthenticated:
            self.signed_in, self.checked = False, True
            return None
        except Exception as error:  # noqa: BLE001
            self.checked = True
            return self._unexpected(error)
        self.signed_in = True
        if has_org and self.role in ("owner", "admin"):
            try:
                await self._refresh()
            except BillingUnavailable as error:
                self.notice_kind, self.notice = "error", error.detail
            except Exception as error:  # noqa: BLE001
                self.checked = True
                return self._unexpected(error)
        self.checked = True
        return None


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
        if not self.authenticated:
            return None
        try:
            summary = await billing_access.inactive_summary(ctx=await self._context())
        except Exception as error:  # noqa: BLE001
            return self._fail(error)
        self.inactive_status = summary.status
        self.inactive_restricted = summary.restricted
        self.inactive_reason = summary.reason
        self.owners = list(summary.owners)
        return None
