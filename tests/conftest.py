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
