"""A local Stripe API for tests, form-encoded like Stripe, for the real `stripe` library.

API (Authorization: Bearer <key>):
    POST /v1/customers, GET /v1/customers/{id}
    POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}   (url -> /checkout/{id} here)
    POST /v1/billing_portal/sessions                             (url -> /portal/{id} here)
    GET  /v1/subscriptions/{id}
Browser: GET /checkout/{id} with Pay (subscription + signed checkout.session.completed,
customer.subscription.created, invoice.paid to the webhook URL, then 303 to success_url)
and Cancel (303 to cancel_url); GET /portal/{id}.
Admin (JSON):
    POST /_fake/config {"webhook_url", "webhook_secret", "api_keys": [...], "prices": {id: cents}}
    POST /_fake/errors {"kind": "api_error"|"connection", "status": 500, "times": 1, "path_prefix": "/v1/"}
    POST /_fake/subscriptions/{id}/status {"status": "past_due"|"canceled"|"active"|...}
         -> customer.subscription.updated (or .deleted for canceled; invoice.payment_failed first for past_due)
    POST /_fake/events/{id}/deliver {"timestamp": optional}   (redeliver: duplicates, stale signatures)
    GET  /_fake/events, /_fake/deliveries, /_fake/requests;  POST /_fake/reset

Python: `start_fake_stripe(webhook_url=..., webhook_secret=...)` -> `.base_url`, `.state`, `.stop()`.
CLI: `python -m tests.fakes.stripe_server --port 12111 --webhook-url URL --webhook-secret whsec_...`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.llm.demo.runner import RunningServer, start_in_thread
from tests.fakes.stripe_admin import admin_routes, missing, stripe_error
from tests.fakes.stripe_pages import page_routes
from tests.fakes.stripe_state import (
    DEFAULT_API_KEY,
    FakeStripeState,
    decode_form,
    new_id,
    public,
    sign_payload,
)

__all__ = ["create_app", "sign_payload", "start_fake_stripe"]


def api_key_of(request: Request) -> str | None:
    """`Authorization: Bearer <key>` (stripe-python) or Basic `<key>:` (curl -u), like Stripe."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        with contextlib.suppress(ValueError):
            return base64.b64decode(credentials).decode().partition(":")[0]
    return None


class InjectedFailures:
    """ASGI wrapper answering `/v1/` requests with queued errors before the app sees them."""

    def __init__(self, app: ASGIApp, state: FakeStripeState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = self.state.take_error(scope["path"]) if scope["type"] == "http" else None
        if error is None:
            await self.app(scope, receive, send)
        elif error.kind == "connection":
            # Start a response and die mid-body: the client sees a broken connection.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4096")]}
            )
            await send({"type": "http.response.body", "body": b'{"id": ', "more_body": True})
            raise ConnectionResetError("fake stripe dropped the connection")
        else:
            response = stripe_error(error.status, "An unknown error occurred", error_type="api_error")
            await response(scope, receive, send)


def create_app(state: FakeStripeState | None = None) -> ASGIApp:
    state = state or FakeStripeState()

    async def params_of(request: Request) -> dict[str, Any]:
        raw = (await request.body()).decode() if request.method == "POST" else request.url.query
        params = decode_form(parse_qsl(raw, keep_blank_values=True))
        record = {"method": request.method, "path": request.url.path, "params": params}
        record["idempotency_key"] = request.headers.get("idempotency-key")
        record["stripe_version"] = request.headers.get("stripe-version")
        with state.lock:
            state.requests.append(record)
        return params

    def unauthorized(request: Request) -> Response | None:
        if api_key_of(request) not in state.api_keys:
            return stripe_error(401, "Invalid API Key provided: sk_test_****")
        return None

    def api(handler):
        async def endpoint(request: Request) -> Response:
            if (denied := unauthorized(request)) is not None:
                return denied
            params = await params_of(request)
            key = request.headers.get("idempotency-key") if request.method == "POST" else None
            if key and (replay := state.idempotent_responses.get(key)) is not None:
                return Response(replay[1], status_code=replay[0], media_type="application/json")
            response = await handler(request, params)
            if key and response.status_code < 500:
                state.idempotent_responses[key] = (response.status_code, bytes(response.body))
            return response

        return endpoint

    async def create_customer(_: Request, params: dict[str, Any]) -> Response:
        return JSONResponse(state.create_customer(params))

    async def get_customer(request: Request, _: dict[str, Any]) -> Response:
        customer = state.customers.get(request.path_params["object_id"])
        return JSONResponse(customer) if customer else missing("customer", request.path_params["object_id"])

    async def create_checkout_session(request: Request, params: dict[str, Any]) -> Response:
        if params.get("mode") not in {"payment", "subscription", "setup"}:
            return stripe_error(
                400, "Invalid mode: must be one of payment, setup, or subscription", param="mode"
            )
        if not params.get("success_url"):
            return stripe_error(400, "Missing required param: success_url.", param="success_url")
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            return stripe_error(400, "Missing required param: line_items.", param="line_items")
        for index, item in enumerate(line_items):
            if item.get("price") not in state.prices:
                return missing("price", str(item.get("price")), f"line_items[{index}][price]")
            if not str(item.get("quantity", "")).isdigit() or int(item["quantity"]) < 1:
                return stripe_error(400, "Invalid quantity", param=f"line_items[{index}][quantity]")
        customer = params.get("customer")
        if customer and customer not in state.customers:
            return missing("customer", customer, "customer")
        session_id = new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{str(request.base_url).rstrip('/')}/checkout/{session_id}",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "customer": customer,
            "customer_email": params.get("customer_email"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "subscription": None,
            "created": int(time.time()),
            "expires_at": int(time.time()) + 24 * 3600,
            "livemode": False,
            "_line_items": line_items,
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
        }
        with state.lock:
            state.checkout_sessions[session_id] = session
        return JSONResponse(public(session))

    async def get_checkout_session(request: Request, _: dict[str, Any]) -> Response:
        session = state.checkout_sessions.get(request.path_params["object_id"])
        found = JSONResponse(public(session)) if session else None
        return found or missing("checkout.session", request.path_params["object_id"])

    async def create_portal_session(request: Request, params: dict[str, Any]) -> Response:
        customer = params.get("customer")
        if not customer:
            return stripe_error(400, "Missing required param: customer.", param="customer")
        if customer not in state.customers:
            return missing("customer", customer, "customer")
        portal_id = new_id("bps")
        portal = {
            "id": portal_id,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": params.get("return_url"),
            "url": f"{str(request.base_url).rstrip('/')}/portal/{portal_id}",
            "created": int(time.time()),
            "livemode": False,
        }
        with state.lock:
            state.portal_sessions[portal_id] = portal
        return JSONResponse(portal)

    async def get_subscription(request: Request, _: dict[str, Any]) -> Response:
        subscription = state.subscriptions.get(request.path_params["object_id"])
        return (
            JSONResponse(subscription)
            if subscription
            else missing("subscription", request.path_params["object_id"])
        )

    routes = [
        Route("/v1/customers", api(create_customer), methods=["POST"]),
        Route("/v1/customers/{object_id}", api(get_customer), methods=["GET"]),
        Route("/v1/checkout/sessions", api(create_checkout_session), methods=["POST"]),
        Route("/v1/checkout/sessions/{object_id}", api(get_checkout_session), methods=["GET"]),
        Route("/v1/billing_portal/sessions", api(create_portal_session), methods=["POST"]),
        Route("/v1/subscriptions/{object_id}", api(get_subscription), methods=["GET"]),
        *page_routes(state),
        *admin_routes(state),
    ]
    app = Starlette(routes=routes)
    app.state.fake = state
    return InjectedFailures(app, state)


@dataclass
class RunningFakeStripe:
    server: RunningServer
    state: FakeStripeState

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> RunningFakeStripe:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_fake_stripe(
    *,
    port: int = 0,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    api_key: str = DEFAULT_API_KEY,
) -> RunningFakeStripe:
    """Start the fake in a background thread on `port` (0 = any free port)."""
    state = FakeStripeState(api_keys={api_key}, webhook_url=webhook_url, webhook_secret=webhook_secret)
    return RunningFakeStripe(
        server=start_in_thread(create_app(state), port=port, log_level="critical"), state=state
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Local fake of the Stripe API and hosted checkout.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-secret", default=None)
    args = parser.parse_args(argv)
    state = FakeStripeState(
        api_keys={args.api_key}, webhook_url=args.webhook_url, webhook_secret=args.webhook_secret
    )
    uvicorn.run(create_app(state), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
