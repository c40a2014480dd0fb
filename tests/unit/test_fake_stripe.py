"""The local Stripe stand-in: hosted checkout delivers signed webhooks the app can verify."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from backend.billing import InvalidWebhook, parse_event, subscription_state_from_event
from backend.llm.demo.runner import start_in_thread
from tests.fakes.stripe_server import start_fake_stripe
from tests.fakes.stripe_state import decode_form

SECRET = "whsec_fake_flow"
KEY = "sk_test_flow"


@pytest.fixture(scope="module")
def receiver():
    """A minimal webhook endpoint verifying exactly like the app's route."""
    received: list = []

    async def webhook(request: Request):
        try:
            event = parse_event(await request.body(), request.headers.get("stripe-signature"), SECRET)
        except InvalidWebhook as rejected:
            return PlainTextResponse(rejected.detail, status_code=400)
        received.append(event)
        return PlainTextResponse("ok")

    with start_in_thread(
        Starlette(routes=[Route("/api/stripe/webhook", webhook, methods=["POST"])])
    ) as server:
        server.received = received
        yield server


@pytest.fixture(scope="module")
def stripe_fake(receiver):
    url = f"{receiver.base_url}/api/stripe/webhook"
    with start_fake_stripe(webhook_url=url, webhook_secret=SECRET, api_key=KEY) as server:
        yield server


@pytest.fixture
def api(stripe_fake, receiver):
    stripe_fake.state.reset()
    receiver.received.clear()
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=stripe_fake.base_url, headers=headers, timeout=10) as client:
        yield client


def open_session(api, **extra) -> dict:
    form = {
        "mode": "subscription",
        "line_items[0][price]": "price_team",
        "line_items[0][quantity]": "3",
        "success_url": "https://app.test/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.test/billing?checkout=cancelled",
        "client_reference_id": "org_42",
        **extra,
    }
    response = api.post("/v1/checkout/sessions", data=form)
    assert response.status_code == 200, response.text
    return response.json()


def test_decode_form_nests_like_stripe():
    pairs = [
        ("line_items[0][price]", "p"),
        ("line_items[0][quantity]", "2"),
        ("metadata[org]", "o"),
        ("mode", "m"),
    ]
    assert decode_form(pairs) == {
        "line_items": [{"price": "p", "quantity": "2"}],
        "metadata": {"org": "o"},
        "mode": "m",
    }


def test_api_key_is_checked(api):
    response = api.post(
        "/v1/customers", data={"email": "a@b.c"}, headers={"Authorization": "Bearer sk_test_wrong"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert "sk_test_wrong" not in response.text


def test_pay_delivers_signed_events_then_redirects(api, receiver):
    session = open_session(api)
    page = api.get(f"/checkout/{session['id']}")
    assert (
        page.status_code == 200 and 'data-testid="pay"' in page.text and 'data-testid="cancel"' in page.text
    )
    paid = api.post(f"/checkout/{session['id']}/pay")
    assert paid.status_code == 303
    assert paid.headers["location"] == f"https://app.test/billing?checkout=success&session_id={session['id']}"
    types = [event.type for event in receiver.received]
    assert types == ["checkout.session.completed", "customer.subscription.created", "invoice.paid"]
    created = subscription_state_from_event(receiver.received[1])
    assert (created.status, created.seats, created.price_id) == ("active", 3, "price_team")
    assert subscription_state_from_event(receiver.received[0]).org_ref == "org_42"
    assert api.get(f"/v1/subscriptions/{created.subscription_id}").json()["status"] == "active"
    assert api.get(f"/v1/checkout/sessions/{session['id']}").json()["status"] == "complete"


def test_cancel_redirects_without_events(api, receiver):
    session = open_session(api)
    cancelled = api.post(f"/checkout/{session['id']}/cancel")
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == "https://app.test/billing?checkout=cancelled"
    assert receiver.received == []


def test_status_changes_deliver_update_and_delete_events(api, receiver):
    session = open_session(api)
    api.post(f"/checkout/{session['id']}/pay")
    subscription_id = api.get(f"/v1/checkout/sessions/{session['id']}").json()["subscription"]
    receiver.received.clear()
    api.post(f"/_fake/subscriptions/{subscription_id}/status", json={"status": "past_due"})
    api.post(f"/_fake/subscriptions/{subscription_id}/status", json={"status": "canceled"})
    assert [event.type for event in receiver.received] == [
        "invoice.payment_failed",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]
    assert subscription_state_from_event(receiver.received[1]).status == "past_due"
    assert subscription_state_from_event(receiver.received[2]).status == "canceled"


def test_redelivery_and_stale_signature(api, stripe_fake, receiver):
    session = open_session(api)
    api.post(f"/checkout/{session['id']}/pay")
    event_id = receiver.received[0].id
    again = api.post(f"/_fake/events/{event_id}/deliver").json()
    assert again["status"] == 200 and receiver.received[-1].id == event_id
    stale = api.post(f"/_fake/events/{event_id}/deliver", json={"timestamp": 1_000}).json()
    assert stale["status"] == 400


def test_unknown_price_and_missing_customer_are_stripe_errors(api):
    unknown = api.post(
        "/v1/checkout/sessions",
        data={"mode": "subscription", "success_url": "https://x", "line_items[0][price]": "price_nope"},
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "resource_missing"
    assert api.get("/v1/customers/cus_nope").status_code == 404
