"""Admin endpoints of the fake Stripe (`/_fake/...`) and Stripe-shaped error responses."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.stripe_state import FakeStripeState


def stripe_error(status: int, message: str, *, error_type: str = "invalid_request_error", **extra: Any):
    return JSONResponse({"error": {"type": error_type, "message": message, **extra}}, status_code=status)


def missing(kind: str, object_id: str, param: str = "id") -> JSONResponse:
    """Stripe answers 404 for a missing object in the path, 400 for a missing one named in a parameter."""
    status = 404 if param == "id" else 400
    return stripe_error(status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def admin_routes(state: FakeStripeState) -> list[Route]:
    async def configure(request: Request) -> Response:
        settings = await request.json()
        with state.lock:
            for name in ("webhook_url", "webhook_secret"):
                if name in settings:
                    setattr(state, name, settings[name])
            if "api_keys" in settings:
                state.api_keys = set(settings["api_keys"])
            if "prices" in settings:
                state.prices = {key: int(value) for key, value in settings["prices"].items()}
        return JSONResponse({"ok": True})

    async def add_errors(request: Request) -> Response:
        settings = await request.json()
        for options in settings if isinstance(settings, list) else [settings]:
            state.add_error(**options)
        return JSONResponse({"ok": True, "pending_errors": len(state.errors)})

    async def set_status(request: Request) -> Response:
        subscription_id, status = request.path_params["object_id"], (await request.json())["status"]
        if subscription_id not in state.subscriptions:
            return missing("subscription", subscription_id)
        subscription, previous = state.set_subscription_status(subscription_id, status)
        events = []
        if status == "past_due":
            events.append(
                state.new_event("invoice.payment_failed", state.invoice_for(subscription, paid=False))
            )
        if status == "canceled":
            events.append(state.new_event("customer.subscription.deleted", subscription))
        else:
            changed = {"previous_attributes": {"status": previous}}
            events.append(state.new_event("customer.subscription.updated", subscription, **changed))
        deliveries = [await state.deliver(event) for event in events]
        return JSONResponse({"subscription": subscription, "events": events, "deliveries": deliveries})

    async def redeliver(request: Request) -> Response:
        event = state.find_event(request.path_params["event_id"])
        if event is None:
            return JSONResponse({"error": "no such event"}, status_code=404)
        options = await request.json() if await request.body() else {}
        return JSONResponse(await state.deliver(event, timestamp=options.get("timestamp")))

    async def reset(_: Request) -> Response:
        state.reset()
        return JSONResponse({"ok": True})

    def listing(name: str):
        async def endpoint(_: Request) -> Response:
            with state.lock:
                return JSONResponse(list(getattr(state, name)))

        return endpoint

    return [
        Route("/_fake/config", configure, methods=["POST"]),
        Route("/_fake/errors", add_errors, methods=["POST"]),
        Route("/_fake/subscriptions/{object_id}/status", set_status, methods=["POST"]),
        Route("/_fake/events/{event_id}/deliver", redeliver, methods=["POST"]),
        Route("/_fake/reset", reset, methods=["POST"]),
        *(
            Route(f"/_fake/{name}", listing(name), methods=["GET"])
            for name in ("events", "deliveries", "requests")
        ),
    ]
