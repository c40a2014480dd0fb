"""Tenant context: set per transaction, never carried to the next unit of work on a pooled connection."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from backend.db import session
from backend.db.testing import MigratedDatabase
from backend.errors import Forbidden
from tests.integration.world import World


@pytest.fixture
async def one_connection_pool(test_db: MigratedDatabase):
    """Replace the app pool of this event loop with a pool of exactly one connection."""
    pool = AsyncConnectionPool(
        test_db.app, min_size=1, max_size=1, open=False, kwargs={"row_factory": dict_row, "autocommit": True}
    )
    await pool.open(wait=True)
    key = ("app", id(asyncio.get_running_loop()))
    previous = session._pools.get(key)
    session._pools[key] = pool
    yield pool
    session._pools.pop(key)
    if previous is not None:
        session._pools[key] = previous
    await pool.close()


async def test_context_never_leaks_between_users_on_one_connection(one_connection_pool, world: World) -> None:
    users = [world.a.users["owner"], world.b.users["owner"], None, world.a.users["viewer"]] * 3
    backends = set()
    for user_id in users:
        async with one_connection_pool.connection() as conn:
            leftover = await (
                await conn.execute("select current_setting('app.user_id', true) as v")
            ).fetchone()
            assert leftover["v"] in (None, ""), "context leaked into a checked-out connection"
        async with session.tenant_session(user_id) as conn:
            row = await (
                await conn.execute("select app.current_user_id() as me, pg_backend_pid() as pid")
            ).fetchone()
            assert row["me"] == user_id
            backends.add(row["pid"])
            orgs = await (await conn.execute("select id from organizations")).fetchall()
            expected = {world.a.id} if user_id in world.a.users.values() else set()
            expected |= {world.b.id} if user_id in world.b.users.values() else set()
            assert {r["id"] for r in orgs} == expected
    assert len(backends) == 1, "the test must reuse one connection"


async def test_context_is_cleared_after_an_error(one_connection_pool, world: World) -> None:
    with pytest.raises(Forbidden):
        async with session.tenant_session(world.a.users["viewer"]) as conn:
            await conn.execute(
                "insert into projects (organization_id, name, created_by) values (%s, 'x', %s)",
                (world.a.id, world.a.users["viewer"]),
            )
    async with one_connection_pool.connection() as conn:
        leftover = await (await conn.execute("select current_setting('app.user_id', true) as v")).fetchone()
        assert leftover["v"] in (None, "")
        status = await (await conn.execute("select count(*) as n from projects")).fetchone()
        assert status["n"] == 0


async def test_work_inside_a_unit_is_one_transaction_and_commits(one_connection_pool, world: World) -> None:
    member = world.a.users["member"]
    name = f"unit-{uuid.uuid4().hex[:6]}"
    with pytest.raises(RuntimeError):
        async with session.tenant_session(member) as conn:
            await conn.execute(
                "insert into projects (organization_id, name, created_by) values (%s, %s, %s)",
                (world.a.id, name, member),
            )
            raise RuntimeError("boom")
    async with session.tenant_session(member) as conn:
        cursor = await conn.execute("select count(*) as n from projects where name = %s", (name,))
        assert (await cursor.fetchone())["n"] == 0
        await conn.execute(
            "insert into projects (organization_id, name, created_by) values (%s, %s, %s)",
            (world.a.id, name, member),
        )
    async with session.tenant_session(member) as conn:
        cursor = await conn.execute("select count(*) as n from projects where name = %s", (name,))
        assert (await cursor.fetchone())["n"] == 1


def test_context_statement_rejects_anything_but_a_uuid() -> None:
    with pytest.raises(ValueError):
        session.begin_with_context("x'); drop table users; --")
    assert "set_config" in session.begin_with_context(None).as_string(None)
