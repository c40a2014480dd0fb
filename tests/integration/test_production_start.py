"""A production start never loads the demo workspace: the first owner is created on purpose, by a CLI
that asks for the password, or by signing up."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from backend.config import PROJECT_ROOT
from backend.db.testing import MigratedDatabase, recreate_database
from tests.conftest import TEST_KEY

PASSWORD = "Production-owner-2026!"


@pytest.fixture(scope="module")
def empty_db(test_db: MigratedDatabase) -> MigratedDatabase:
    """A migrated database without a single account (beside the suite's own, which stays untouched)."""
    return recreate_database(f"{test_db.name}_production")


def production_env(db: MigratedDatabase) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKOPX_", "DATABASE_", "SERVICE_"))}
    return env | {
        "SKOPX_ENV": "production",
        "SKOPX_PUBLIC_URL": "https://skopx.example.com",
        "DATABASE_URL": db.app,
        "SERVICE_DATABASE_URL": db.service,
        "DATABASE_ADMIN_URL": db.admin,
        "SESSION_SECRET": "production-test-secret-0123456789-abcdefghij",
        **{f"SKOPX_KEYRING_{p}": f"p1:{TEST_KEY}" for p in ("OAUTH", "DBCONFIG", "APIKEYS")},
    }


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal: getpass reads the piped answers
    )


def users(db: MigratedDatabase) -> list[tuple[str, str]]:
    with psycopg.connect(db.admin) as conn:
        return conn.execute(
            "select u.email, m.role::text from public.users u"
            " left join public.organization_members m on m.user_id = u.id order by u.email"
        ).fetchall()


def test_production_start_on_an_empty_database_creates_no_user(empty_db: MigratedDatabase) -> None:
    # `make run` does exactly this before it starts the app server (which never seeds).
    result = run(
        ["-c", "from backend.cli.run import prepare_database; prepare_database()"], production_env(empty_db)
    )
    assert result.returncode == 0, result.stderr
    assert users(empty_db) == []
    assert "python -m backend.cli.create_owner" in result.stdout
    assert "Skopx-demo-2026!" not in result.stdout + result.stderr


def test_the_demo_workspace_is_refused_in_production(empty_db: MigratedDatabase) -> None:
    result = run(["-m", "backend.cli.seed"], production_env(empty_db))
    assert result.returncode != 0
    assert "local mode only" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(email.endswith(("@acme.test", "@globex.test")) for email, _ in users(empty_db))


def test_create_owner_refuses_a_weak_password_and_then_creates_one_owner(empty_db: MigratedDatabase) -> None:
    env = production_env(empty_db)
    weak = run(
        ["-m", "backend.cli.create_owner", "--name", "Pat", "--email", "pat@example.com"],
        env,
        "short\nshort\n",
    )
    assert weak.returncode == 1
    assert "Your password needs" in weak.stderr
    assert "Traceback" not in weak.stderr
    assert not any(email == "pat@example.com" for email, _ in users(empty_db))

    created = run(
        ["-m", "backend.cli.create_owner"],
        env,
        f"Pat Owner\nPat@Example.com\n{PASSWORD}\nmistyped\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert created.returncode == 0, created.stderr
    assert "The two passwords differ" in created.stderr
    assert ("pat@example.com", "owner") in users(empty_db)
    assert PASSWORD not in created.stdout + created.stderr
    with psycopg.connect(empty_db.admin) as conn:
        open_sessions = conn.execute(
            "select count(*) from public.sessions s join public.users u on u.id = s.user_id"
            " where u.email = 'pat@example.com' and s.revoked_at is null"
        ).fetchone()[0]
    assert open_sessions == 0
