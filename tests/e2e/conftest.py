"""Browser tests with billing off and the local Anthropic server as Claude."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from backend.llm.demo.server import start_fake_anthropic
from tests.e2e_support import (  # noqa: F401 - fixtures used by the tests
    browser_context_args,
    browser_type_launch_args,
    console,
    serve_app,
)

E2E_PORT = int(os.environ.get("SKOPX_E2E_PORT", "3111"))
SERVER_ANTHROPIC_KEY = "sk-ant-test-server-key-0000000000000000000000"


@pytest.fixture(scope="session")
def fake_anthropic() -> Iterator:
    with start_fake_anthropic(valid_keys=(SERVER_ANTHROPIC_KEY,)) as fake:
        yield fake


@pytest.fixture(scope="session")
def app_url(migrated_database, fake_anthropic) -> Iterator[str]:
    env = {
        "ANTHROPIC_BASE_URL": fake_anthropic.base_url,
        "ANTHROPIC_API_KEY": SERVER_ANTHROPIC_KEY,
        "STRIPE_SECRET_KEY": "",
        "SKOPX_IMAGE_DOMAINS": "images.skopx.test",
    }
    yield from serve_app(E2E_PORT, env, "e2e-server.log")
