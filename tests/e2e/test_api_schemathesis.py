"""Schemathesis against the running app's own /api/v1/openapi.json, with real tokens: no answer is a
server error, and every answer matches the document (status, content type, headers, body schema).

The requests act in an organization of their own (a fresh account, made through the services), and
rotate over several tokens and client addresses so that the 100-a-minute budget, itself tested
elsewhere, doesn't turn every later answer into a 429.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend import routes
from backend.services import access_tokens, accounts, sessions
from skopx_ui.api.v1.openapi import document
from tests.e2e_support import ARTIFACTS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
TOKENS = 12
STATUSES: Counter[int] = Counter()


async def _tokens() -> list[str]:
    email = f"schemathesis-{uuid.uuid4().hex[:8]}@example.test"
    cookie = await accounts.sign_up(name="Schemathesis", email=email, password="Correct-horse-42!")
    user = await sessions.resolve_session(f"skopx_session={cookie}")
    ctx = await sessions.current_context(f"skopx_session={cookie}", user.memberships[0].org_id)
    created = [
        await access_tokens.create_token(ctx=ctx, name=f"fuzz {i}", role_ceiling="owner", expires_in_days=7)
        for i in range(TOKENS)
    ]
    return [c.secret for c in created]


@pytest.fixture(scope="session")
def credentials(app_url: str):
    # Playwright's loop runs in this thread; the services get a loop of their own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        secrets = worker.submit(asyncio.run, _tokens()).result()
    prefix = f"100.{uuid.uuid4().int % 60 + 64}.{uuid.uuid4().int % 250}"
    pairs = itertools.cycle(
        (secret, f"{prefix}.{n}")
        for n, secret in enumerate(itertools.islice(itertools.cycle(secrets), 240), 1)
    )
    yield pairs
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.json").write_text(json.dumps(dict(sorted(STATUSES.items())), indent=2))
    print(f"\nschemathesis: {sum(STATUSES.values())} requests, by status {dict(sorted(STATUSES.items()))}")


# The document the server serves, built by the same code (the first test checks that they are equal).
schema = schemathesis.openapi.from_dict(document())


def test_the_fuzzed_document_is_the_served_one(app_url: str) -> None:
    served = httpx.get(f"{app_url}{routes.API_V1_OPENAPI}", timeout=20)
    assert served.status_code == 200 and served.json() == document()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_answer_matches_the_document(case, app_url: str, credentials) -> None:
    secret, address = next(credentials)
    headers = {"Authorization": f"Bearer {secret}", "X-Forwarded-For": address}
    response = case.call(base_url=f"{app_url}{routes.API_V1}", headers=headers, timeout=30)
    STATUSES[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
