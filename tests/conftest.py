"""Test-wide environment: local mode, a dedicated test database, fixed test secrets."""

from __future__ import annotations

import base64
import os

TEST_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()

os.environ.setdefault("SKOPX_ENV", "local")
os.environ.setdefault("SKOPX_DB_NAME", "skopx_test")
os.environ.setdefault("SESSION_SECRET", "test-session-secret-please-change-0123456789")
for _purpose in ("OAUTH", "DBCONFIG", "APIKEYS"):
    os.environ.setdefault(f"SKOPX_KEYRING_{_purpose}", f"t1:{TEST_KEY}")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")


import pytest  # noqa: E402

from backend.db.testing import MigratedDatabase, recreate_database  # noqa: E402


@pytest.fixture(scope="session")
def test_db() -> MigratedDatabase:
    """One freshly recreated and migrated test database per pytest session (integration and e2e share it)."""
    from backend.config import get_settings
    from backend.db import embedded

    if not get_settings().database_url:
        embedded.start()
    return recreate_database()


@pytest.fixture(scope="session")
def migrated_database(test_db: MigratedDatabase) -> str:
    """The superuser URL of the migrated test database."""
    return test_db.admin
