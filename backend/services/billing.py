"""Billing use cases: the billing overview, hosted checkout, the customer portal, and Stripe webhooks.

Webhooks write through the service role only, one transaction per event: (1) the org comes from the
stored Stripe customer id, or on first contact from the org id we set at checkout (client_reference_id /
metadata); a customer stored for another org always wins. (2) `event.id` goes into `stripe_events` with
`on conflict do nothing`: a duplicate, even a concurrent one, waits on the key, finds it taken, does
nothing. (3) The billing row is locked `for update` and the subscription re-fetched from Stripe under
the lock, so out-of-order deliveries converge; without a fetch, events older than `last_event_created`
are ignored.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from psycopg import AsyncConnection

from backend.billing import (
    BillingNotConfigured,
    SubscriptionState,
    create_checkout_session,
    create_customer,
    create_portal_session,
    is_handled,
    parse_event,
    plan_for_price,
    retrieve_subscription,
    stripe_client,
    subscription_state_from_event,
    subscription_state_from_subscription,
)
from backend.billing.checkout import BillingUnavailable as BillingUnavailable  # raised to callers
from backend.billing.checkout import require_plan
from backend.billing.plans import plan_by_key
from backend.billing.subscription_state import as_dict
from backend.config import Settings, get_settings
from backend.db.session import service_session, tenant_session
from backend.errors import Invalid
from backend.rbac import Role
from backend.services.billing_access import BillingStatus, grace_days_left, is_restricted
from backend.services.billing_overview import BillingOverview
from backend.services.context import RequestContext

log = logging.getLogger("skopx.billing")

NO_CUSTOMER = "There are no payment details to manage yet. Choose a plan to subscribe first."
_ROW = (
    "select stripe_customer_id, stripe_subscription_id, plan, status, seats, current_period_end,"
    " past_due_since, last_event_created from public.organization_billing where organization_id = %s"
)


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    result: str  # applied | duplicate | ignored | stale | unmatched | refused


async def overview(*, ctx: RequestContext, settings: Settings | None = None) -> BillingOverview:
    """What the billing page shows; owners and admins only (RLS agrees: admins+ read billing)."""
    ctx.require(Role.ADMIN, "see billing")
    settings = settings or get_settings()
    if not settings.billing_enabled:
        return BillingOverview(configured=False)
    async with tenant_session(ctx.user_id) as conn:
        row = await (await conn.execute(_ROW, (ctx.org_id,))).fetchone()
    can_manage = ctx.role == Role.OWNER
    if row is None:
        return BillingOverview(configured=True, can_manage=can_manage)
    plan = plan_by_key(row["plan"])
    now = datetime.now(UTC)
    status = BillingStatus(row["status"], row["past_due_since"])
    return BillingOverview(
        configured=True,
        status=row["status"],
        plan_key=plan.key if plan else "",
        plan_name=plan.name if plan else "",
        seats=row["seats"],
        current_period_end=row["current_period_end"],
        days_left=grace_days_left(row["past_due_since"], now=now) if row["status"] == "past_due" else 0,
        restricted=is_restricted(status, now=now),
        has_customer=bool(row["stripe_customer_id"]),
        can_manage=can_manage,
    )


async def _stored_customer(org_id: str) -> str | None:
    async with service_session() as conn:
        row = await (await conn.execute(_ROW, (org_id,))).fetchone()
    return row["stripe_customer_id"] if row else None


async def _ensure_customer(*, ctx: RequestContext, client: stripe.StripeClient) -> str:
    """The org's Stripe customer, created (idempotently, keyed by org) and stored on first checkout."""
    if customer_id := await _stored_customer(ctx.org_id):
        return customer_id
    async with tenant_session(ctx.user_id) as conn:
        who = await (
            await conn.execute(
                "select o.name, u.email from public.organizations o, public.users u where o.id = %s and u.id = %s",
                (ctx.org_id, ctx.user_id),
            )
        ).fetchone()
    customer_id = await create_customer(client, org_id=ctx.org_id, org_name=who["name"], email=who["email"])
    async with service_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "insert into public.organization_billing (organization_id, stripe_customer_id) values (%s, %s)"
                " on conflict (organization_id) do update set stripe_customer_id ="
                " coalesce(organization_billing.stripe_customer_id, excluded.stripe_customer_id)"
                " returning stripe_customer_id",
                (ctx.org_id, customer_id),
            )
        ).fetchone()
    return row["stripe_customer_id"]


async def start_checkout(
    *, ctx: RequestContext, price_id: Any, seats: Any, settings: Settings | None = None
) -> str:
    """The hosted Checkout URL for a known plan (seats clamped to 1–500); owners only."""
    ctx.require(Role.OWNER, "change the subscription")
    settings = settings or get_settings()
    client = stripe_client(settings)
    require_plan(price_id)
    customer_id = await _ensure_customer(ctx=ctx, client=client)
    link = await create_checkout_session(
        client, settings, org_id=ctx.org_id, price_id=price_id, seats=seats, customer_id=customer_id
    )
    return link.url


async def portal_url(*, ctx: RequestContext, settings: Settings | None = None) -> str:
    """A Customer Portal session for updating payment details; owners only."""
    ctx.require(Role.OWNER, "manage payment details")
    settings = settings or get_settings()
    client = stripe_client(settings)
    customer_id = await _stored_customer(ctx.org_id)
    if not customer_id:
        raise Invalid(NO_CUSTOMER)
    return await create_portal_session(client, settings, customer_id=customer_id)


async def handle_webhook(
    *, raw_body: bytes, signature: str | None, settings: Settings | None = None
) -> WebhookOutcome:
    """Verify and apply one delivery. Raises InvalidWebhook (400) or BillingUnavailable (503: retry)."""
    settings = settings or get_settings()
    event = parse_event(raw_body, signature, settings.stripe_webhook_secret)
    if not is_handled(event):
        return WebhookOutcome(event.id, "ignored")
    return await apply_event(event=event, settings=settings)


def _org_ref(event: dict[str, Any], hint: SubscriptionState) -> str | None:
    """The org id we set at checkout (also carried on invoices' subscription details)."""
    obj = (event.get("data") or {}).get("object") or {}
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    ref = hint.org_ref or (details.get("metadata") or {}).get("org_id")
    try:
        return str(uuid.UUID(str(ref))) if ref else None
    except ValueError:
        return None


async def _resolve_org(conn: AsyncConnection, *, customer_id: str | None, org_ref: str | None) -> str | None:
    if customer_id:
        owner = await (
            await conn.execute(
                "select organization_id::text as id from public.organization_billing where stripe_customer_id = %s",
                (customer_id,),
            )
        ).fetchone()
        if owner:
            return owner["id"] if org_ref in (None, owner["id"]) else None
    if org_ref is None:
        return None
    found = await (
        await conn.execute("select id::text as id from public.organizations where id = %s", (org_ref,))
    ).fetchone()
    return found["id"] if found else None


async def _fetch(
    hint: SubscriptionState, event: dict[str, Any], settings: Settings
) -> SubscriptionState | None:
    """The subscription as Stripe has it now; None when there is none to fetch or billing is off."""
    if not hint.subscription_id:
        return None
    try:
        client = stripe_client(settings)
    except BillingNotConfigured:
        return None
    subscription = await retrieve_subscription(client, hint.subscription_id)
    return subscription_state_from_subscription(
        subscription, event_created=event.get("created"), event_type=hint.event_type
    )


def _conflicts(row: dict[str, Any], hint: SubscriptionState, state: SubscriptionState | None) -> bool:
    stored = row["stripe_customer_id"]
    customers = {c for c in (hint.customer_id, state.customer_id if state else None) if c}
    return bool(stored and customers - {stored}) or len(customers) > 1


async def apply_event(*, event: stripe.Event, settings: Settings) -> WebhookOutcome:
    data = as_dict(event)
    hint = subscription_state_from_event(data)
    if hint is None:
        return WebhookOutcome(event.id, "ignored")
    async with service_session() as conn:
        org_id = await _resolve_org(conn, customer_id=hint.customer_id, org_ref=_org_ref(data, hint))
        recorded = await (
            await conn.execute(
                "insert into public.stripe_events (id, type, organization_id) values (%s, %s, %s)"
                " on conflict (id) do nothing returning id",
                (event.id, event.type, org_id),
            )
        ).fetchone()
        if recorded is None:
            return WebhookOutcome(event.id, "duplicate")
        if org_id is None:
            log.warning("stripe event %s (%s) matches no organization; recorded only", event.id, event.type)
            return WebhookOutcome(event.id, "unmatched")
        await conn.execute(
            "insert into public.organization_billing (organization_id) values (%s) on conflict do nothing",
            (org_id,),
        )
        row = await (await conn.execute(_ROW + " for update", (org_id,))).fetchone()
        state = await _fetch(hint, data, settings)
        if _conflicts(row, hint, state):
            log.warning("stripe event %s names another customer than org %s has; refused", event.id, org_id)
            return WebhookOutcome(event.id, "refused")
        result = await _write(
            conn, org_id=org_id, row=row, hint=hint, state=state, created=data.get("created")
        )
    return WebhookOutcome(event.id, result)


async def _write(
    conn: AsyncConnection,
    *,
    org_id: str,
    row: dict[str, Any],
    hint: SubscriptionState,
    state: SubscriptionState | None,
    created: int | None,
) -> str:
    created = int(created or 0)
    if state is None:  # nothing fetched: the event's own data, unless a newer event was applied already
        if hint.status is not None and created < (row["last_event_created"] or 0):
            return "stale"
        state = hint
    replaced = row["stripe_subscription_id"] and state.subscription_id != row["stripe_subscription_id"]
    if replaced and state.status in (None, "canceled", "pending"):
        return "stale"  # an old subscription's news never overrides the current one
    plan = plan_for_price(state.price_id)
    period_end = datetime.fromtimestamp(state.current_period_end, UTC) if state.current_period_end else None
    await conn.execute(
        "update public.organization_billing set"
        " stripe_customer_id = coalesce(stripe_customer_id, %(customer)s),"
        " stripe_subscription_id = coalesce(%(subscription)s, stripe_subscription_id),"
        " plan = coalesce(%(plan)s, plan), status = coalesce(%(status)s, status),"
        " seats = coalesce(%(seats)s, seats), current_period_end = coalesce(%(period_end)s, current_period_end),"
        " past_due_since = case when coalesce(%(status)s, status) = 'past_due'"
        "   then coalesce(past_due_since, now()) else null end,"
        " last_event_created = greatest(coalesce(last_event_created, 0), %(created)s), updated_at = now()"
        " where organization_id = %(org)s",
        {
            "customer": state.customer_id or hint.customer_id,
            "subscription": state.subscription_id,
            "plan": plan.key if plan else None,
            "status": state.status,
            "seats": max(1, state.seats) if state.seats else None,
            "period_end": period_end,
            "created": created,
            "org": org_id,
        },
    )
    return "applied"
