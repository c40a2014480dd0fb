"""Subscription enforcement at routing: which pages an organization's members may reach.

- active / trialing: full access.
- past_due: full access for `GRACE_DAYS` from `past_due_since`, with a countdown banner; then restricted.
- canceled: owners are sent to the billing page; pending (never subscribed): owners to pricing.
- Restricted orgs' other roles are sent to `/billing/inactive`, which explains who can fix it.
- Billing, pricing, account settings, the explanation page and the security page stay reachable
  (signing out is a POST to the API, never guarded).

Billing off (no STRIPE_SECRET_KEY): every organization is treated as active.

The status is read as skopx_service with an explicit organization filter: RLS lets only admins and
owners read `organization_billing`, yet every role's navigation depends on this one status value.
Nothing else from the row leaves this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend import routes
from backend.config import Settings, get_settings
from backend.db.session import service_session, tenant_session
from backend.errors import Forbidden
from backend.services.context import RequestContext

GRACE_DAYS = 3
ALWAYS_REACHABLE = frozenset(
    {routes.BILLING, routes.PRICING, routes.BILLING_INACTIVE, routes.ACCOUNT, routes.SECURITY}
)
FULL_ACCESS = frozenset({"active", "trialing"})
PAUSED = "Skopx is paused for this organization."
INACTIVE_REASONS = {
    "canceled": "This organization's subscription has been cancelled.",
    "pending": "This organization doesn't have a subscription yet.",
    "past_due": "A payment failed and the grace period for updating the payment details is over.",
}


class BillingRequired(Forbidden):
    """The organization may not work right now; `.detail` is the sentence its members see."""

    status_code = 402
    code = "billing_required"


def paused_sentence(status: str, *, role: str) -> str:
    """What a member of a restricted organization is told, on the page and for a refused action."""
    who = (
        "Open Billing to subscribe again."
        if role == "owner"
        else "Only the organization's owners can fix billing; ask one of them."
    )
    return " ".join(part for part in (PAUSED, INACTIVE_REASONS.get(status, ""), who) if part)


@dataclass(frozen=True)
class Access:
    redirect_to: str | None = None
    banner: str = ""


@dataclass(frozen=True)
class BillingStatus:
    status: str = "pending"  # no billing row yet: never subscribed
    past_due_since: datetime | None = None


def grace_days_left(past_due_since: datetime | None, *, now: datetime) -> int:
    """Whole days (rounded up) left in the grace period; 0 once it is over."""
    since = past_due_since or now
    remaining = since + timedelta(days=GRACE_DAYS) - now
    return max(0, math.ceil(remaining.total_seconds() / 86400))


def grace_banner(days_left: int) -> str:
    unit = "day" if days_left == 1 else "days"
    return f"Payment failed — {days_left} {unit} left to update your payment details"


def is_restricted(billing: BillingStatus, *, now: datetime) -> bool:
    if billing.status in FULL_ACCESS:
        return False
    if billing.status == "past_due":
        return grace_days_left(billing.past_due_since, now=now) == 0
    return True


def is_always_reachable(path: str) -> bool:
    clean = (path or "/").split("?", 1)[0].rstrip("/") or "/"
    return clean in ALWAYS_REACHABLE


def landing_for(billing: BillingStatus, *, role: str) -> str:
    """Where a restricted organization's member is sent."""
    if role != "owner":
        return routes.BILLING_INACTIVE
    return routes.PRICING if billing.status == "pending" else routes.BILLING


def decide(billing: BillingStatus, *, role: str, path: str, now: datetime) -> Access:
    """The routing rule itself, without I/O."""
    banner = ""
    if billing.status == "past_due":
        days = grace_days_left(billing.past_due_since, now=now)
        banner = grace_banner(days) if days else "Payment failed — access is restricted until it is fixed"
    if not is_restricted(billing, now=now) or is_always_reachable(path):
        return Access(banner=banner)
    return Access(redirect_to=landing_for(billing, role=role), banner=banner)


async def billing_status(*, org_id: str) -> BillingStatus:
    """The org's status and past-due start (service role, filtered to exactly this org)."""
    async with service_session() as conn:
        row = await (
            await conn.execute(
                "select status, past_due_since from public.organization_billing where organization_id = %s",
                (org_id,),
            )
        ).fetchone()
    return BillingStatus(row["status"], row["past_due_since"]) if row else BillingStatus()


async def require_working(
    *, org_id: str, role: str, settings: Settings | None = None, now: datetime | None = None
) -> None:
    """Refuse work for an organization whose subscription doesn't allow it (raises BillingRequired).

    Every handler that reads or changes an organization's work goes through this, not only page loads,
    so an event sent straight over the websocket meets the same paywall as a page."""
    settings = settings or get_settings()
    if not settings.billing_enabled or not org_id:
        return
    billing = await billing_status(org_id=org_id)
    if is_restricted(billing, now=now or datetime.now(UTC)):
        raise BillingRequired(paused_sentence(billing.status, role=role))


async def access_for(
    *, org_id: str, role: str, path: str, settings: Settings | None = None, now: datetime | None = None
) -> Access:
    settings = settings or get_settings()
    if not settings.billing_enabled or not org_id:
        return Access()
    billing = await billing_status(org_id=org_id)
    return decide(billing, role=role, path=path, now=now or datetime.now(UTC))


@dataclass(frozen=True)
class InactiveSummary:
    status: str
    restricted: bool
    reason: str
    owners: tuple[str, ...]  # "Name (email)" of the people who can fix billing


async def inactive_summary(
    *, ctx: RequestContext, settings: Settings | None = None, now: datetime | None = None
) -> InactiveSummary:
    """What the explanation page says to a member of a restricted organization, and who can fix it."""
    settings = settings or get_settings()
    billing = await billing_status(org_id=ctx.org_id) if settings.billing_enabled else BillingStatus("active")
    async with tenant_session(ctx.user_id) as conn:
        rows = await (
            await conn.execute(
                "select u.display_name, u.email from public.organization_members m"
                " join public.users u on u.id = m.user_id"
                " where m.organization_id = %s and m.role = 'owner' order by u.display_name",
                (ctx.org_id,),
            )
        ).fetchall()
    return InactiveSummary(
        status=billing.status,
        restricted=is_restricted(billing, now=now or datetime.now(UTC)),
        reason=INACTIVE_REASONS.get(billing.status, ""),
        owners=tuple(f"{r['display_name']} ({r['email']})" for r in rows),
    )
