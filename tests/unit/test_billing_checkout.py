"""backend.billing checkout/portal against the local Stripe server, through the real `stripe` library."""

from __future__ import annotations

import pytest

from backend.billing import (
    BillingNotConfigured,
    BillingUnavailable,
    create_checkout_session,
    create_customer,
    create_portal_session,
    retrieve_subscription,
    stripe_client,
    subscription_state_from_subscription,
)
from backend.billing.checkout import BILLING_UNREACHABLE, clamp_seats
from backend.billing.plans import DEFAULT_PLANS, load_plans, parse_plans
from backend.config import SettingsError, load_settings
from backend.errors import Invalid
from tests.fakes.stripe_pages import complete_checkout
from tests.fakes.stripe_server import start_fake_stripe

PUBLIC_URL = "https://skopx.example"


@pytest.fixture(scope="module")
def fake():
    with start_fake_stripe(api_key="sk_test_unit") as server:
        yield server


@pytest.fixture
def settings(fake):
    fake.state.reset()
    return load_settings(
        {
            "STRIPE_SECRET_KEY": "sk_test_unit",
            "STRIPE_API_BASE": fake.base_url,
            "SKOPX_PUBLIC_URL": PUBLIC_URL,
        }
    )


@pytest.fixture
def client(settings):
    return stripe_client(settings, max_network_retries=0)


def last_request(fake, path: str) -> dict:
    return [request for request in fake.state.requests if request["path"] == path][-1]


@pytest.mark.parametrize(
    ("asked", "sent"), [(0, 1), (-5, 1), (1, 1), (37, 37), (500, 500), (501, 500), ("x", 1)]
)
async def test_checkout_clamps_seats(fake, client, settings, asked, sent):
    link = await create_checkout_session(client, settings, org_id="org_1", price_id="price_team", seats=asked)
    assert link.url == f"{fake.base_url}/checkout/{link.session_id}"
    params = last_request(fake, "/v1/checkout/sessions")["params"]
    assert params["line_items"] == [{"price": "price_team", "quantity": str(sent)}]


async def test_checkout_parameters_come_from_config(fake, client, settings):
    customer_id = await create_customer(client, org_id="org_2", org_name="Acme", email="owner@acme.test")
    await create_checkout_session(
        client, settings, org_id="org_2", price_id="price_starter", seats=3, customer_id=customer_id
    )
    params = last_request(fake, "/v1/checkout/sessions")["params"]
    assert params["mode"] == "subscription"
    assert (
        params["success_url"] == f"{PUBLIC_URL}/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert params["cancel_url"] == f"{PUBLIC_URL}/billing?checkout=cancelled"
    assert params["customer"] == customer_id
    assert params["client_reference_id"] == "org_2"
    assert params["subscription_data"]["metadata"]["org_id"] == "org_2"


async def test_customer_creation_is_idempotent_per_org(client):
    first = await create_customer(client, org_id="org_3", org_name="Acme", email=None)
    again = await create_customer(client, org_id="org_3", org_name="Acme", email=None)
    assert first == again


@pytest.mark.parametrize("price_id", ["price_unknown", "", None, 42, "price_team "])
async def test_unknown_price_is_refused_before_calling_stripe(fake, client, settings, price_id):
    with pytest.raises(Invalid) as refused:
        await create_checkout_session(client, settings, org_id="org_1", price_id=price_id, seats=1)
    assert refused.value.field == "price_id"
    assert not [request for request in fake.state.requests if request["path"] == "/v1/checkout/sessions"]


@pytest.mark.parametrize("error", [{"kind": "api_error", "status": 500}, {"kind": "connection"}])
async def test_stripe_failures_become_billing_unavailable(fake, client, settings, error):
    fake.state.add_error(**error, times=3)
    with pytest.raises(BillingUnavailable) as failed:
        await create_checkout_session(client, settings, org_id="org_1", price_id="price_team", seats=2)
    assert failed.value.detail == BILLING_UNREACHABLE == "We couldn't reach billing. Please try again."
    assert "sk_test_unit" not in str(failed.value)
    assert fake.state.checkout_sessions == {}


async def test_wrong_api_key_becomes_billing_unavailable(fake, settings):
    wrong = load_settings({"STRIPE_SECRET_KEY": "sk_test_wrong", "STRIPE_API_BASE": fake.base_url})
    with pytest.raises(BillingUnavailable):
        await create_customer(stripe_client(wrong), org_id="org_9", org_name="X", email=None)


async def test_portal_session_returns_to_billing(fake, client, settings):
    customer_id = await create_customer(client, org_id="org_4", org_name="Acme", email=None)
    url = await create_portal_session(client, settings, customer_id=customer_id)
    assert url.startswith(f"{fake.base_url}/portal/")
    assert (
        last_request(fake, "/v1/billing_portal/sessions")["params"]["return_url"] == f"{PUBLIC_URL}/billing"
    )
    with pytest.raises(BillingUnavailable):
        await create_portal_session(client, settings, customer_id="cus_missing")


async def test_retrieve_subscription_after_payment(fake, client, settings):
    link = await create_checkout_session(client, settings, org_id="org_5", price_id="price_team", seats=7)
    await complete_checkout(
        fake.state, link.session_id
    )  # no webhook URL configured: deliveries recorded as failed
    subscription_id = fake.state.checkout_sessions[link.session_id]["subscription"]
    state = subscription_state_from_subscription(await retrieve_subscription(client, subscription_id))
    assert (state.status, state.price_id, state.seats, state.org_ref) == ("active", "price_team", 7, "org_5")
    assert state.current_period_end and state.customer_id
    with pytest.raises(BillingUnavailable):
        await retrieve_subscription(client, "sub_missing")


def test_client_requires_a_secret_key():
    with pytest.raises(BillingNotConfigured):
        stripe_client(load_settings({}))


def test_clamp_seats_edge_values():
    assert [clamp_seats(value) for value in (None, 2.9, "12", 10**30, float("inf"))] == [1, 2, 12, 500, 1]


def test_plans_default_and_from_env():
    assert [plan.stripe_price_id for plan in load_plans({})] == [
        "price_starter",
        "price_team",
        "price_enterprise",
    ]
    assert DEFAULT_PLANS[1].monthly_price_display == "$29"
    custom = '[{"key": "solo", "name": "Solo", "monthly_price_cents": 950, "stripe_price_id": "price_solo"}]'
    (plan,) = load_plans({"SKOPX_PLANS": custom})
    assert (plan.name, plan.monthly_price_display, plan.features) == ("Solo", "$9.50", ())
    for broken in ("not json", "[]", '[{"key": "a"}]', '{"key": "a"}'):
        with pytest.raises(SettingsError):
            parse_plans(broken)
