"""`backend.crypto.rotate` against the real schema, as skopx_service, in a database of its own.

Rotation rewrites whole tables, so it runs in a scratch database: the shared test database holds
other modules' rows with placeholder ciphertexts that must not be touched.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from backend.crypto.aead import key_id_of, seal, unseal
from backend.crypto.keyring import Keyring
from backend.crypto.legacy import encrypt_legacy
from backend.crypto.rotate import ENCRYPTED_COLUMNS, rotate
from backend.db.migrate import migrate
from backend.db.testing import MigratedDatabase
from tests.integration.world import World, build_world

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "seed-passphrase"
OLD_KEY, NEW_KEY = os.urandom(32), os.urandom(32)
PURPOSES = tuple(ENCRYPTED_COLUMNS)


class Interrupted(Exception):
    """Stands in for the process being killed mid-batch."""


def _keyrings(*kids: str) -> dict[str, Keyring]:
    keys = {"old": OLD_KEY, "new": NEW_KEY}
    return {purpose: Keyring(purpose, [(kid, keys[kid]) for kid in kids]) for purpose in PURPOSES}


OLD, ROTATED = _keyrings("old"), _keyrings("old", "new")


@pytest.fixture(scope="module")
def rotation_db(test_db: MigratedDatabase) -> Iterator[MigratedDatabase]:
    name = f"{test_db.name}_crypto_rotation"
    maintenance = make_conninfo(test_db.admin, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    db = MigratedDatabase(
        name=name,
        admin=make_conninfo(test_db.admin, dbname=name),
        app=make_conninfo(test_db.app, dbname=name),
        service=make_conninfo(test_db.service, dbname=name),
    )
    migrate(db.admin)
    yield db
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def rotation_world(rotation_db: MigratedDatabase) -> World:
    return build_world(rotation_db.admin, tag="rotation")


def _service(url: str):
    """A unit of work as skopx_service with no acting user, like `service_session()` for a system job."""

    @asynccontextmanager
    async def session() -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        connection = await psycopg.AsyncConnection.connect(url, row_factory=dict_row)
        async with connection as conn, conn.transaction():
            await conn.execute("select set_config('app.user_id', '', true)")
            yield conn

    return session


def _users(world: World) -> list[uuid.UUID]:
    return [*world.a.users.values(), *world.b.users.values(), world.outsider]


def _token(kind: str, purpose: str, plaintext: bytes, *, scope_id: uuid.UUID, row_id: uuid.UUID) -> str:
    if kind == "legacy":
        return encrypt_legacy(plaintext, PASSPHRASE)
    if kind == "broken":  # sealed for another tenant, e.g. copied across rows: must never open here
        return seal(OLD[purpose], plaintext, scope_id=uuid.uuid4(), row_id=row_id)
    keyring = ROTATED if kind == "new" else OLD
    return seal(keyring[purpose], plaintext, scope_id=scope_id, row_id=row_id)


def _populate(admin_url: str, world: World) -> dict[str, dict[uuid.UUID, Any]]:
    """Per purpose: 2 rows under the newest key, 4 under the old one, 2 legacy, 1 unreadable.

    Returns the plaintext each row must hold afterwards (None for the unreadable one)."""
    expected: dict[str, dict[uuid.UUID, Any]] = {purpose: {} for purpose in PURPOSES}
    kinds = ["new", "new", "old", "old", "old", "old", "legacy", "legacy", "broken"]
    with psycopg.connect(admin_url, autocommit=True, row_factory=dict_row) as conn:
        for table in ("integrations", "database_connections", "user_api_keys"):
            conn.execute(f"delete from {table}")
        orgs = [world.a, world.b]
        for index, kind in enumerate(kinds):
            org = orgs[index % 2]
            rows = {
                "oauth": conn.execute(
                    "insert into integrations (organization_id, provider, token_ciphertext, connected_by)"
                    " values (%s, 'github', 'pending', %s) returning organization_id as scope_id, id",
                    (org.id, org.users["admin"]),
                ),
                "dbconfig": conn.execute(
                    "insert into database_connections (organization_id, name, config_ciphertext)"
                    " values (%s, %s, 'pending') returning organization_id as scope_id, id",
                    (org.id, f"db-{index}"),
                ),
                "apikeys": conn.execute(
                    "insert into user_api_keys (user_id, key_ciphertext, key_last4)"
                    " values (%s, 'pending', 'abcd') returning user_id as scope_id, id",
                    (_users(world)[index],),
                ),
            }
            for purpose, cursor in rows.items():
                row = cursor.fetchone()
                plaintext = f"{purpose}-secret-{index}".encode()
                token = _token(kind, purpose, plaintext, scope_id=row["scope_id"], row_id=row["id"])
                target = ENCRYPTED_COLUMNS[purpose]
                conn.execute(
                    f"update {target.table} set {target.column} = %s where id = %s", (token, row["id"])
                )
                expected[purpose][row["id"]] = None if kind == "broken" else plaintext
    return expected


def _stored(admin_url: str, purpose: str) -> dict[uuid.UUID, dict[str, Any]]:
    target = ENCRYPTED_COLUMNS[purpose]
    with psycopg.connect(admin_url, row_factory=dict_row) as conn:
        rows = conn.execute(
            f"select id, {target.scope_column} as scope_id, {target.column} as token from {target.table}"
        ).fetchall()
    return {row["id"]: row for row in rows}


def _assert_all_readable_rows_current(admin_url: str, purpose: str, expected: dict[uuid.UUID, Any]) -> None:
    stored = _stored(admin_url, purpose)
    assert stored.keys() == expected.keys()
    for row_id, plaintext in expected.items():
        row = stored[row_id]
        if plaintext is None:
            assert key_id_of(row["token"]) == "old"  # unreadable rows are left as they were
            continue
        assert key_id_of(row["token"]) == "new"
        assert unseal(ROTATED[purpose], row["token"], scope_id=row["scope_id"], row_id=row_id) == plaintext


@pytest.mark.parametrize("purpose", PURPOSES)
async def test_rotation_moves_every_readable_row_to_the_newest_key_and_reruns_are_no_ops(
    purpose: str, rotation_db: MigratedDatabase, rotation_world: World
) -> None:
    expected = _populate(rotation_db.admin, rotation_world)[purpose]
    failures: list[str] = []
    counts = await rotate(
        purpose,
        keyring=ROTATED[purpose],
        legacy_passphrase=PASSPHRASE,
        batch_size=2,
        session=_service(rotation_db.service),
        report=failures.append,
    )
    assert (counts.scanned, counts.rotated, counts.already_current, counts.failed) == (9, 6, 2, 1)
    assert len(failures) == 1 and "authentication failed" in failures[0]
    assert not any("secret" in line for line in failures)
    _assert_all_readable_rows_current(rotation_db.admin, purpose, expected)

    again = await rotate(
        purpose, keyring=ROTATED[purpose], batch_size=2, session=_service(rotation_db.service), report=print
    )
    assert (again.scanned, again.rotated, again.already_current, again.failed) == (9, 0, 8, 1)


async def test_legacy_rows_without_a_passphrase_are_reported_not_lost(
    rotation_db: MigratedDatabase, rotation_world: World
) -> None:
    expected = _populate(rotation_db.admin, rotation_world)["oauth"]
    failures: list[str] = []
    counts = await rotate(
        "oauth", keyring=ROTATED["oauth"], session=_service(rotation_db.service), report=failures.append
    )
    assert (counts.rotated, counts.failed) == (4, 3)
    assert sum("SKOPX_LEGACY_PASSPHRASE is not set" in line for line in failures) == 2
    stored = _stored(rotation_db.admin, "oauth")
    assert sum(key_id_of(row["token"]) is None for row in stored.values()) == 2
    assert stored.keys() == expected.keys()


async def test_an_interrupted_rotation_leaves_every_row_readable_and_a_rerun_finishes(
    rotation_db: MigratedDatabase, rotation_world: World
) -> None:
    expected = _populate(rotation_db.admin, rotation_world)["dbconfig"]
    before = _stored(rotation_db.admin, "dbconfig")
    real_session, batches = _service(rotation_db.service), 0

    @asynccontextmanager
    async def dies_during_second_batch() -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        nonlocal batches
        batches += 1
        async with real_session() as conn:
            yield conn
            if batches == 3:  # 1: the count, 2: first batch (committed), 3: killed before commit
                raise Interrupted

    with pytest.raises(Interrupted):
        await rotate(
            "dbconfig",
            keyring=ROTATED["dbconfig"],
            legacy_passphrase=PASSPHRASE,
            batch_size=2,
            session=dies_during_second_batch,
        )
    # Exactly the first batch (the two stale rows first in key order) committed; the rest is untouched.
    stale = sorted(
        (row for row in before.values() if key_id_of(row["token"]) != "new"),
        key=ENCRYPTED_COLUMNS["dbconfig"].key_of,
    )
    committed = {row["id"] for row in stale[:2] if expected[row["id"]] is not None}
    after = _stored(rotation_db.admin, "dbconfig")
    for row_id, row in after.items():
        if row_id in committed:
            assert unseal(ROTATED["dbconfig"], row["token"], **_ids(row)) == expected[row_id]
            assert key_id_of(row["token"]) == "new"
        else:
            assert row["token"] == before[row_id]["token"]

    counts = await rotate(
        "dbconfig",
        keyring=ROTATED["dbconfig"],
        legacy_passphrase=PASSPHRASE,
        session=_service(rotation_db.service),
        report=print,
    )
    assert (counts.rotated, counts.already_current, counts.failed) == (
        6 - len(committed),
        2 + len(committed),
        1,
    )
    _assert_all_readable_rows_current(rotation_db.admin, "dbconfig", expected)


def _b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def _ids(row: dict[str, Any]) -> dict[str, Any]:
    return {"scope_id": row["scope_id"], "row_id": row["id"]}


async def test_rows_locked_by_a_concurrent_writer_are_skipped_then_rotated_on_rerun(
    rotation_db: MigratedDatabase, rotation_world: World
) -> None:
    expected = _populate(rotation_db.admin, rotation_world)["oauth"]
    stored = _stored(rotation_db.admin, "oauth")
    locked_id = next(row_id for row_id, row in stored.items() if key_id_of(row["token"]) == "old")
    with psycopg.connect(rotation_db.admin) as writer:
        writer.execute("select 1 from integrations where id = %s for update", (locked_id,))
        counts = await asyncio.wait_for(
            rotate(
                "oauth",
                keyring=ROTATED["oauth"],
                legacy_passphrase=PASSPHRASE,
                session=_service(rotation_db.service),
                report=print,
            ),
            timeout=30,
        )
        assert counts.rotated == 5
        writer.rollback()
    assert key_id_of(_stored(rotation_db.admin, "oauth")[locked_id]["token"]) == "old"
    counts = await rotate(
        "oauth", keyring=ROTATED["oauth"], session=_service(rotation_db.service), report=print
    )
    assert counts.rotated == 1
    _assert_all_readable_rows_current(rotation_db.admin, "oauth", expected)


def test_the_command_line_rotates_through_the_service_role_and_prints_counts(
    rotation_db: MigratedDatabase, rotation_world: World
) -> None:
    expected = _populate(rotation_db.admin, rotation_world)["apikeys"]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SKOPX_ENV": "local",
        "DATABASE_URL": rotation_db.app,
        "SERVICE_DATABASE_URL": rotation_db.service,
        "SESSION_SECRET": "s" * 40,
        "SKOPX_KEYRING_APIKEYS": f"old:{_b64(OLD_KEY)},new:{_b64(NEW_KEY)}",
        "SKOPX_LEGACY_PASSPHRASE": PASSPHRASE,
    }
    result = subprocess.run(
        [sys.executable, "-m", "backend.crypto.rotate", "--purpose", "apikeys", "--batch-size", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr  # one unreadable row
    assert result.stdout.strip().splitlines()[-1] == (
        "purpose=apikeys scanned=9 rotated=6 already_current=2 failed=1"
    )
    output = result.stdout + result.stderr
    assert "apikeys-secret" not in output and PASSPHRASE not in output
    _assert_all_readable_rows_current(rotation_db.admin, "apikeys", expected)
