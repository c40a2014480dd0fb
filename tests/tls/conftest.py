"""The app behind Caddy on https://localhost (ports 80 and 443), as `make run-tls` serves it."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.cli import caddy
from backend.config import get_settings
from tests.e2e_support import serve_app

TLS_APP_PORT = int(os.environ.get("SKOPX_E2E_TLS_PORT", "3113"))
SITE = "https://localhost"


@pytest.fixture(scope="session")
def caddy_root() -> Path:
    return caddy.root_certificate(get_settings().data_dir)


@pytest.fixture(scope="session")
def site(migrated_database, caddy_root: Path) -> Iterator[str]:
    app = serve_app(TLS_APP_PORT, {"SKOPX_PUBLIC_URL": SITE, "STRIPE_SECRET_KEY": ""}, "tls-server.log")
    next(app)
    try:
        with caddy.running(get_settings().data_dir, f"127.0.0.1:{TLS_APP_PORT}"):
            yield SITE
    except caddy.CaddyError as error:
        pytest.fail(str(error))
    finally:
        app.close()


@pytest.fixture(scope="session")
def trusting_context(caddy_root: Path) -> ssl.SSLContext:
    """A TLS client that trusts Caddy's local CA and nothing else."""
    return ssl.create_default_context(cafile=str(caddy_root))
