"""Stripe webhooks through the real route (`build_api()` over ASGI), the real stripe SDK pointed at the
local Stripe server, and the real database: verification, idempotency, ordering, tenant safety."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import uuid

import httpx
import psycopg
import pytest

from backend.config import get_settings
from skopx_ui.api import build_api
from tests.fakes.stripe_server import sign_payload, start_fake_stripe
from tests.integration.factories import new_org

KEY = "sk_test_integration"
SECRET = "whsec_integration_secret"


@pytest.fixture(scope="module")
def fake():
    with start_fake_stripe(api_key=KEY) as server:
        yield server


@pytest.fixture
def settings(fake, monkeypatch):
    configured = dataclasses.replace(
        get_settings(), stripe_secret_key=KEY, stripe_webhook_secret=SECRET, stripe_api_base=fake.base_url
    )
    monkeypatch.setattr("backend.services.billing.get_settings", lambda: configured)
    fake.state.reset()
    return configured


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def billed_org(admin: psycopg.Connection, *, customer: str | None = None, status: str = "pending") -> str:
    """A new organization with an owner and a billing row."""
    org, _ = new_org(admin, owner="owner")
    admin.execute(
        "insert into organization_billing (organization_id, stripe_customer_id, status) values (%s, %s, %s)",
        (org, customer, status),
    )
    return str(org)


def paid_checkout(fake, org_id: str, *, customer: str | None = None, seats: int = 3) -> dict:
    """A completed checkout in the fake: its customer, active subscription and session."""
    customer = customer or fake.state.create_customer({"metadata": {"org_id": org_id}})["id"]
    metadata = {"org_id": org_id, "plan": "team"}
    session = {
        "id": f"cs_test_{uuid.uuid4().hex[:12]}",
        "object": "checkout.session",
        "customer": customer,
        "client_reference_id": org_id,
        "metadata": metadata,
        "mode": "subscription",
        "status": "complete",
        "_line_items": [{"price": "price_team", "quantity": seats}],
        "_subscription_metadata": metadata,
    }
    subscription = fake.state.create_subscription(session)
    session["subscription"] = subscription["id"]
    return {"customer": customer, "subscription": subscription, "session": session}


async def deliver(client, event: dict, *, secret: str = SECRET, timestamp: int | None = None, header=True):
    payload = json.dumps(event).encode()
    headers = {"content-type": "application/json"}
    if header:
        headers["stripe-signature"] = sign_payload(payload, secret, timestamp)
    return await client.post("/api/stripe/webhook", content=payload, headers=headers)


def billing_row(admin, org_id: str) -> dict:
    return admin.execute(
        "select * from organization_billing where organization_id = %s", (org_id,)
    ).fetchone()


def recorded(admin, event_id: str) -> int:
    return admin.execute("select count(*) as n from stripe_events where id = %s", (event_id,)).fetchone()["n"]


def billing_updates(admin, org_id: str) -> int:
    return admin.execute(
        "select count(*) as n from audit_logs where organization_id = %s and table_name = 'organization_billing'"
        " and action = 'update'",
        (org_id,),
    ).fetchone()["n"]


async def test_a_valid_event_is_applied_and_recorded(settings, fake, client, admin):
    org = billed_org(admin)
    paid = paid_checkout(fake, org, seats=4)
    event = fake.state.new_event("checkout.session.completed", paid["session"])
    response = await deliver(client, event)
    assert response.status_code == 200 and response.json()["result"] == "applied"
    row = billing_row(admin, org)
    assert (row["status"], row["plan"], row["seats"]) == ("active", "team", 4)
    assert row["stripe_customer_id"] == paid["customer"]
    assert row["stripe_subscription_id"] == paid["subscription"]["id"]
    assert row["current_period_end"] is not None and row["past_due_since"] is None
    linked = admin.execute(
        "select organization_id from stripe_events where id = %s", (event["id"],)
    ).fetchone()
    assert str(linked["organization_id"]) == org


@pytest.mark.parametrize("fault", ["bad_signature", "missing_header", "tampered_body", "stale_timestamp"])
async def test_unverifiable_deliveries_are_refused_without_effect(settings, fake, client, admin, fault):
    org = billed_org(admin)
    event = fake.state.new_event("checkout.session.completed", paid_checkout(fake, org)["session"])
    payload = json.dumps(event).encode()
    headers = {"content-type": "application/json", "stripe-signature": sign_payload(payload, SECRET)}
    if fault == "bad_signature":
        headers["stripe-signature"] = sign_payload(payload, "whsec_not_ours")
    elif fault == "missing_header":
        del headers["stripe-signature"]
    elif fault == "tampered_body":
        payload = payload.replace(org.encode(), billed_org(admin).encode())
    else:
        headers["stripe-signature"] = sign_payload(payload, SECRET, int(time.time()) - 301)
    response = await client.post("/api/stripe/webhook", content=payload, headers=headers)
    assert response.status_code == 400
    assert recorded(admin, event["id"]) == 0
    assert billing_row(admin, org)["status"] == "pending" and billing_updates(admin, org) == 0


async def test_the_same_event_twice_has_one_effect(settings, fake, client, admin):
    org = billed_org(admin)
    event = fake.state.new_event("checkout.session.completed", paid_checkout(fake, org)["session"])
    results = [(await deliver(client, event)).json()["result"] for _ in range(2)]
    assert results == ["applied", "duplicate"]
    assert recorded(admin, event["id"]) == 1 and billing_updates(admin, org) == 1


async def test_concurrent_duplicates_have_one_effect(settings, fake, client, admin):
    org = billed_org(admin)
    event = fake.state.new_event("checkout.session.completed", paid_checkout(fake, org)["session"])
    responses = await asyncio.gather(*(deliver(client, event) for _ in range(5)))
    assert all(r.status_code == 200 for r in responses)
    assert sorted(r.json()["result"] for r in responses) == ["applied"] + ["duplicate"] * 4
    assert recorded(admin, event["id"]) == 1 and billing_updates(admin, org) == 1
    assert billing_row(admin, org)["status"] == "active"


@pytest.mark.parametrize("refetch", [True, False], ids=["refetched", "event-data-only"])
async def test_updated_before_created_converges(settings, fake, client, admin, monkeypatch, refetch):
    if not refetch:  # no API key: only the events themselves, ordered by `created`
        offline = dataclasses.replace(settings, stripe_secret_key=None)
        monkeypatch.setattr("backend.services.billing.get_settings", lambda: offline)
    org = billed_org(admin)
    paid = paid_checkout(fake, org)
    created = fake.state.new_event("customer.subscription.created", paid["subscription"])
    subscription, _ = fake.state.set_subscription_status(paid["subscription"]["id"], "past_due")
    updated = fake.state.new_event("customer.subscription.updated", subscription)
    updated["created"] = created["created"] + 5
    first = await deliver(client, updated)
    second = await deliver(client, created)
    assert first.status_code == second.status_code == 200
    row = billing_row(admin, org)
    assert row["status"] == "past_due" and row["past_due_since"] is not None
    assert row["last_event_created"] == updated["created"]
    assert second.json()["result"] == ("applied" if refetch else "stale")


async def test_unknown_event_types_are_acknowledged_and_not_written(settings, fake, client, admin):
    org = billed_org(admin)
    event = fake.state.new_event(
        "customer.created", {"id": "cus_x", "object": "customer", "metadata": {"org_id": org}}
    )
    response = await deliver(client, event)
    assert response.status_code == 200 and response.json()["result"] == "ignored"
    assert recorded(admin, event["id"]) == 0 and billing_updates(admin, org) == 0


async def test_a_webhook_cannot_touch_another_orgs_billing(settings, fake, client, admin):
    victim_customer = fake.state.create_customer({})["id"]
    victim = billed_org(admin, customer=victim_customer, status="active")
    attacker = billed_org(admin)
    # An event about the attacker's own new customer that claims the victim's org id.
    claim = paid_checkout(fake, victim)
    claim_event = fake.state.new_event("customer.subscription.deleted", claim["subscription"])
    # An event about the victim's customer that names the attacker's org.
    cross = paid_checkout(fake, attacker, customer=victim_customer)
    cross_event = fake.state.new_event("checkout.session.completed", cross["session"])
    for event in (claim_event, cross_event):
        response = await deliver(client, event)
        assert response.status_code == 200 and response.json()["result"] in {"refused", "unmatched"}
    assert billing_row(admin, victim)["status"] == "active"
    assert billing_row(admin, victim)["stripe_customer_id"] == victim_customer
    assert billing_row(admin, attacker)["status"] == "pending"
    assert billing_updates(admin, victim) == billing_updates(admin, attacker) == 0


async def test_stripe_outage_while_applying_is_retried_later(settings, fake, client, admin):
    org = billed_org(admin)
    event = fake.state.new_event(
        "invoice.paid", fake.state.invoice_for(paid_checkout(fake, org)["subscription"], paid=True)
    )
    fake.state.add_error(kind="api_error", status=500, times=5, path_prefix="/v1/subscriptions")
    failed = await deliver(client, event)
    assert failed.status_code == 503 and recorded(admin, event["id"]) == 0
    fake.state.errors.clear()
    retried = await deliver(client, event)
    assert retried.status_code == 200 and retried.json()["result"] == "applied"
    assert billing_row(admin, org)["status"] == "active"


async def test_past_due_then_paid_clears_the_grace_clock(settings, fake, client, admin):
    org = billed_org(admin)
    paid = paid_checkout(fake, org)
    subscription_id = paid["subscription"]["id"]
    await deliver(client, fake.state.new_event("checkout.session.completed", paid["session"]))
    subscription, _ = fake.state.set_subscription_status(subscription_id, "past_due")
    invoice = fake.state.invoice_for(subscription, paid=False)
    await deliver(client, fake.state.new_event("invoice.payment_failed", invoice))
    assert billing_row(admin, org)["past_due_since"] is not None
    subscription, _ = fake.state.set_subscription_status(subscription_id, "active")
    await deliver(
        client, fake.state.new_event("invoice.paid", fake.state.invoice_for(subscription, paid=True))
    )
    row = billing_row(admin, org)
    assert row["status"] == "active" and row["past_due_since"] is None
