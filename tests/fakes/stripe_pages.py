"""Browser pages of the fake Stripe: the hosted-checkout stand-in and the customer portal."""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.stripe_state import FakeStripeState

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}
button{{font-size:1rem;padding:.6rem 1.4rem;margin-right:.6rem}}</style></head>
<body><p><strong>Local Stripe stand-in</strong>: no card is charged.</p>{body}</body></html>"""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status_code)


def _success_url(session: dict[str, Any]) -> str:
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


async def complete_checkout(state: FakeStripeState, session_id: str) -> list[dict[str, Any]]:
    """What paying does: customer, active subscription, session completed, three signed events delivered."""
    with state.lock:
        session = state.checkout_sessions[session_id]
        if session["status"] != "open":
            return []
        if not session.get("customer"):
            customer = state.create_customer({"email": session.get("customer_email")})
            session["customer"] = customer["id"]
        subscription = state.create_subscription(session)
        session |= {"status": "complete", "payment_status": "paid", "subscription": subscription["id"]}
        invoice = state.invoice_for(subscription, paid=True)
        events = [
            state.new_event("checkout.session.completed", session),
            state.new_event("customer.subscription.created", subscription),
            state.new_event("invoice.paid", invoice),
        ]
    return [await state.deliver(event) for event in events]


def page_routes(state: FakeStripeState) -> list[Route]:
    async def checkout_page(request: Request) -> Response:
        session = state.checkout_sessions.get(request.path_params["session_id"])
        if session is None:
            return _page("Not found", "<h1>This checkout link is not valid.</h1>", 404)
        item = session["_line_items"][0]
        quantity = int(item["quantity"])
        unit = state.prices[item["price"]]
        action = f"/checkout/{escape(session['id'])}"
        body = (
            f"<h1>Subscribe</h1><p>Plan price: <code>{escape(item['price'])}</code></p>"
            f'<p>Seats: <span data-testid="quantity">{quantity}</span></p>'
            f'<p>Total: <span data-testid="total">${unit * quantity / 100:.2f}</span> per month</p>'
            f"<p>Status: {escape(session['status'])}</p>"
            f'<form method="post" action="{action}/pay" style="display:inline">'
            '<button type="submit" data-testid="pay">Pay</button></form>'
            f'<form method="post" action="{action}/cancel" style="display:inline">'
            '<button type="submit" data-testid="cancel">Cancel</button></form>'
        )
        return _page("Checkout", body)

    async def pay(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        session = state.checkout_sessions.get(session_id)
        if session is None:
            return _page("Not found", "<h1>This checkout link is not valid.</h1>", 404)
        await complete_checkout(state, session_id)
        return RedirectResponse(_success_url(session), status_code=303)

    async def cancel(request: Request) -> Response:
        session = state.checkout_sessions.get(request.path_params["session_id"])
        if session is None:
            return _page("Not found", "<h1>This checkout link is not valid.</h1>", 404)
        return RedirectResponse(session.get("cancel_url") or session["success_url"], status_code=303)

    async def portal_page(request: Request) -> Response:
        portal = state.portal_sessions.get(request.path_params["portal_id"])
        if portal is None:
            return _page("Not found", "<h1>This portal link is not valid.</h1>", 404)
        link = escape(portal.get("return_url") or "/")
        body = (
            f"<h1>Billing portal</h1><p>Customer <code>{escape(portal['customer'])}</code></p>"
            f'<p><a href="{link}" data-testid="return">Return</a></p>'
        )
        return _page("Billing portal", body)

    return [
        Route("/checkout/{session_id}", checkout_page, methods=["GET"]),
        Route("/checkout/{session_id}/pay", pay, methods=["POST"]),
        Route("/checkout/{session_id}/cancel", cancel, methods=["POST"]),
        Route("/portal/{portal_id}", portal_page, methods=["GET"]),
    ]
