"""Integration fixtures: one freshly migrated database per pytest session, and role connections.

Embedded PostgreSQL by default; an external server when DATABASE_ADMIN_URL and DATABASE_URL are set
(e.g. the CI machine's PostgreSQL 15). The database named by the admin URL (or SKOPX_DB_NAME,
skopx_test) is dropped, recreated and migrated once per session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from backend.db.testing import MigratedDatabase
from tests.integration.dataquery_targets import Target, mysql_target, postgres_target
from tests.integration.world import World, build_world


@pytest.fixture
def admin(test_db: MigratedDatabase) -> Iterator[psycopg.Connection]:
    """Superuser, autocommit: setup and re-reading the truth behind RLS."""
    with psycopg.connect(test_db.admin, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
def connect_as(test_db: MigratedDatabase):
    """`connect_as("app" | "service", user_id)`: a connection in a transaction with app.user_id set."""
    opened: list[psycopg.Connection] = []

    def connect(kind: str, user_id: uuid.UUID | str | None = None) -> psycopg.Connection:
        url = {"app": test_db.app, "service": test_db.service, "admin": test_db.admin}[kind]
        conn = psycopg.connect(url, row_factory=dict_row)
        conn.execute("select set_config('app.user_id', %s, true)", (str(user_id) if user_id else "",))
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


@pytest.fixture(scope="module")
def world(test_db: MigratedDatabase, request: pytest.FixtureRequest) -> World:
    """Organizations A and B (plus the outsider's C), each with every kind of row; per test module."""
    return build_world(test_db.admin, tag=request.module.__name__.rsplit(".", 1)[-1].replace("_", "-"))


@pytest.fixture(scope="session")
def postgresql_dq_target() -> Iterator[Target]:
    """A database of its own on the machine's PostgreSQL, for data queries (tests/integration/dataquery_targets.py)."""
    with postgres_target() as target:
        yield target


@pytest.fixture(scope="session")
def mysql_dq_target() -> Iterator[Target]:
    """A database of its own on the machine's MariaDB, for data queries."""
    with mysql_target() as target:
        yield target


@pytest.fixture
def unchanged(target: Target) -> Iterator[None]:
    """After the test, the data-query `target` (each module says which) reads as it was made."""
    yield
    assert target.fingerprint() == target.pristine
