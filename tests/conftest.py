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


@pytest.fixture(scope="session")
def migrated_database() -> str:
    """A fresh, fully migrated test database; returns its admin URL."""
    import psycopg

    from backend.config import get_settings
    from backend.db import embedded, migrate
    from backend.db.urls import resolve_urls

    settings = get_settings()
    if not settings.database_url:
        embedded.start()
    urls = resolve_urls(settings)
    dbname = psycopg.conninfo.conninfo_to_dict(urls.admin)["dbname"]
    maintenance = psycopg.conninfo.make_conninfo(urls.admin, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (dbname,),
        )
        conn.execute(f'drop database if exists "{dbname}"')
        conn.execute(f'create database "{dbname}"')
    migrate.migrate(urls.admin)
    return urls.admin
