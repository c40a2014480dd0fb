"""Browser tests with billing ON: the app talks to the local Stripe server, which delivers signed
webhooks back to the app's `/api/stripe/webhook`.

Run as its own pytest session (billing changes routing for every page):
    .venv/bin/pytest tests/e2e_billing

Seeded state (backend/cli/seed.py): Acme is `active` (team, 4 seats) and Globex is `pending` (never
subscribed). Tests that need another Acme status set it with `billing_state(...)`, through the service
role (the role webhooks write as), and Acme is put back to `active` afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from backend.llm.demo.server import start_fake_anthropic
from tests.e2e_support import (  # noqa: F401 - fixtures used by the tests
    browser_context_args,
    browser_type_launch_args,
    console,
    serve_app,
)
from tests.fakes.stripe_server import start_fake_stripe

E2E_BILLING_PORT = int(os.environ.get("SKOPX_E2E_BILLING_PORT", "3112"))
STRIPE_KEY = "sk_test_e2e_billing"
WEBHOOK_SECRET = "whsec_e2e_billing_secret"
SERVER_ANTHROPIC_KEY = "sk-ant-billing-server-key-000000000000000000"


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator:
    webhook_url = f"http://localhost:{E2E_BILLING_PORT}/api/stripe/webhook"
    with start_fake_stripe(
        webhook_url=webhook_url, webhook_secret=WEBHOOK_SECRET, api_key=STRIPE_KEY
    ) as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_anthropic() -> Iterator:
    """Claude for this app instance, paid by the server's key: it counts every request it gets."""
    with start_fake_anthropic(valid_keys=(SERVER_ANTHROPIC_KEY,)) as fake:
        yield fake


@pytest.fixture(scope="session")
def app_url(migrated_database, fake_stripe, fake_anthropic) -> Iterator[str]:
    env = {
        "STRIPE_SECRET_KEY": STRIPE_KEY,
        "STRIPE_API_BASE": fake_stripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "ANTHROPIC_BASE_URL": fake_anthropic.base_url,
        "ANTHROPIC_API_KEY": SERVER_ANTHROPIC_KEY,
    }
    yield from serve_app(E2E_BILLING_PORT, env, "e2e-billing-server.log")


def _service_url() -> str:
    from backend.config import get_settings
    from backend.db.urls import resolve_urls

    return resolve_urls(get_settings()).service


def set_billing(slug: str, status: str, *, past_due_days: float | None = None) -> None:
    """Set an org's billing status as the service role would (the audit trigger records it)."""
    since = datetime.now(UTC) - timedelta(days=past_due_days) if past_due_days is not None else None
    with psycopg.connect(_service_url()) as conn:
        conn.execute(
            "update public.organization_billing set status = %s, past_due_since = %s, updated_at = now()"
            " where organization_id = (select id from public.organizations where slug = %s)",
            (status, since, slug),
        )


@pytest.fixture
def billing_state(app_url) -> Iterator[Callable[..., None]]:
    """`billing_state("past_due", past_due_days=1)` for Acme; Acme is active again after the test."""
    yield lambda status, **kwargs: set_billing("acme", status, **kwargs)
    set_billing("acme", "active")
