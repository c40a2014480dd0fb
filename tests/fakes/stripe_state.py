"""State of the fake Stripe server: objects, injected errors, and signed webhook delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_API_KEY = "sk_test_fake"
DEFAULT_PRICES = {"price_starter": 1200, "price_team": 2900, "price_enterprise": 7900}
API_VERSION = "2026-10-28.endive"
PERIOD_SECONDS = 30 * 24 * 3600
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header value: `t=<ts>,v1=<hmac_sha256(secret, f"{t}.{payload}")>`."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def public(stripe_object: dict[str, Any]) -> dict[str, Any]:
    """A copy without the fake's private `_` keys, as the API would show it."""
    return json.loads(json.dumps({k: v for k, v in stripe_object.items() if not k.startswith("_")}))


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`line_items[0][price]=x`, `metadata[k]=v`) to nested dicts/lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        parts = [head, *_BRACKETS.findall(key[len(head) :])]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists_from_numeric_keys(root)


def _lists_from_numeric_keys(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _lists_from_numeric_keys(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


@dataclass
class InjectedStripeError:
    kind: str = "api_error"  # api_error (HTTP status below), connection (socket closed mid-response)
    status: int = 500
    path_prefix: str = "/v1/"
    times: int = 1


@dataclass
class FakeStripeState:
    api_keys: set[str] = field(default_factory=lambda: {DEFAULT_API_KEY})
    prices: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    webhook_url: str | None = None
    webhook_secret: str | None = None
    base_url: str = ""
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    checkout_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    portal_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    idempotent_responses: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    errors: deque[InjectedStripeError] = field(default_factory=deque)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def reset(self) -> None:
        with self.lock:
            stores = (self.customers, self.checkout_sessions, self.portal_sessions, self.subscriptions)
            for store in (*stores, self.idempotent_responses):
                store.clear()
            for log in (self.events, self.deliveries, self.requests):
                log.clear()
            self.errors.clear()

    def add_error(self, **options: Any) -> None:
        with self.lock:
            self.errors.append(InjectedStripeError(**options))

    def take_error(self, path: str) -> InjectedStripeError | None:
        with self.lock:
            for error in self.errors:
                if path.startswith(error.path_prefix):
                    error.times -= 1
                    if error.times <= 0:
                        self.errors.remove(error)
                    return error
        return None

    # --- objects -------------------------------------------------------------------------

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata") or {},
            "livemode": False,
        }
        with self.lock:
            self.customers[customer["id"]] = customer
        return customer

    def create_subscription(self, session: dict[str, Any]) -> dict[str, Any]:
        """The subscription a paid checkout session creates (status active)."""
        now = int(time.time())
        item = session["_line_items"][0]
        price = {"id": item["price"], "object": "price", "unit_amount": self.prices[item["price"]]}
        price |= {"currency": "usd", "recurring": {"interval": "month"}}
        subscription = {
            "id": new_id("sub"),
            "object": "subscription",
            "customer": session["customer"],
            "status": "active",
            "created": now,
            "start_date": now,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "metadata": session.get("_subscription_metadata") or {},
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": new_id("si"),
                        "object": "subscription_item",
                        "price": price,
                        "quantity": int(item["quantity"]),
                        "current_period_start": now,
                        "current_period_end": now + PERIOD_SECONDS,
                    }
                ],
                "has_more": False,
            },
            "livemode": False,
        }
        with self.lock:
            self.subscriptions[subscription["id"]] = subscription
        return subscription

    def invoice_for(self, subscription: dict[str, Any], *, paid: bool) -> dict[str, Any]:
        item = subscription["items"]["data"][0]
        return {
            "id": new_id("in"),
            "object": "invoice",
            "customer": subscription["customer"],
            "status": "paid" if paid else "open",
            "amount_due": item["price"]["unit_amount"] * item["quantity"],
            "amount_paid": item["price"]["unit_amount"] * item["quantity"] if paid else 0,
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": subscription["metadata"],
                },
            },
            "created": int(time.time()),
            "livemode": False,
        }

    def set_subscription_status(self, subscription_id: str, status: str) -> tuple[dict[str, Any], str]:
        """Change a subscription's status; returns it and the status it had."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            previous = subscription["status"]
            subscription["status"] = status
            if status == "canceled":
                now = int(time.time())
                subscription["canceled_at"] = subscription["ended_at"] = now
        return subscription, previous

    # --- events ------------------------------------------------------------------------

    def new_event(self, event_type: str, data_object: dict[str, Any], **extra: Any) -> dict[str, Any]:
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "type": event_type,
            "data": {"object": public(data_object), **extra},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
        }
        with self.lock:
            self.events.append(event)
        return event

    def find_event(self, event_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((event for event in self.events if event["id"] == event_id), None)

    async def deliver(self, event: dict[str, Any], *, timestamp: int | None = None) -> dict[str, Any]:
        """POST the event to the webhook URL, signed like Stripe; record and return the outcome."""
        payload = json.dumps(event, separators=(",", ":")).encode()
        outcome: dict[str, Any] = {"event_id": event["id"], "type": event["type"], "url": self.webhook_url}
        if not self.webhook_url or not self.webhook_secret:
            outcome["status"] = None
            outcome["error"] = "no webhook url/secret configured"
        else:
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign_payload(payload, self.webhook_secret, timestamp),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            }
            try:
                async with httpx.AsyncClient(timeout=10) as client:
                    response = await client.post(self.webhook_url, content=payload, headers=headers)
                outcome["status"] = response.status_code
                outcome["body"] = response.text[:500]
            except httpx.HTTPError as error:
                outcome["status"] = None
                outcome["error"] = f"{type(error).__name__}: {error}"
        with self.lock:
            self.deliveries.append(outcome)
        return outcome
