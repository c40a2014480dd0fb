"""Units of work: one transaction per unit, tenant context set transaction-locally.

`tenant_session(user_id)` runs as skopx_app with `app.user_id` set by
`set_config(..., true)`, so the setting vanishes at commit and a pooled connection can
never carry one user's context into another's work. `service_session()` runs as
skopx_service for server-only jobs. Nothing else opens connections for requests.

`BEGIN` and the `set_config` travel in one simple-protocol round trip (the id is a
validated UUID, bound as a literal). That round trip also checks the connection: one lost
since its last use (the server restarted, a backend was terminated) fails there, before the
unit has written anything, so the pool's idle connections are tested and the unit starts
once more on a fresh connection. A unit that fails later is never retried.

Database errors leaving a unit of work become `AppError`s with user-safe sentences
(backend/db/errors.py); the psycopg error stays available as `__cause__`. Pass
`translate_errors=False` to get psycopg errors instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from uuid import UUID

import psycopg
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from backend.config import get_settings
from backend.db.errors import translate
from backend.db.urls import resolve_urls

log = logging.getLogger("skopx.db")

_pools: dict[tuple[str, int], AsyncConnectionPool] = {}
_opening: dict[tuple[str, int], asyncio.Lock] = {}


async def _pool(kind: str) -> AsyncConnectionPool:
    """One pool per role per event loop (Reflex workers and tests each have their own)."""
    key = (kind, id(asyncio.get_running_loop()))
    pool = _pools.get(key)
    if pool is None:
        # Without the lock, units of work arriving together on a new loop would each open a pool.
        async with _opening.setdefault(key, asyncio.Lock()):
            pool = _pools.get(key)
            if pool is None:
                urls = resolve_urls(get_settings())
                conninfo = urls.app if kind == "app" else urls.service
                pool = AsyncConnectionPool(
                    conninfo,
                    min_size=1,
                    max_size=10,
                    open=False,
                    # autocommit: the unit of work sends its own BEGIN together with the context.
                    kwargs={"row_factory": dict_row, "autocommit": True},
                    name=f"skopx-{kind}",
                )
                await pool.open(wait=True, timeout=10)
                _pools[key] = pool
    return pool


async def close_pools() -> None:
    loop_id = id(asyncio.get_running_loop())
    for key in [k for k in _pools if k[1] == loop_id]:
        _opening.pop(key, None)
        await _pools.pop(key).close()


def begin_with_context(user_id: UUID | str | None) -> sql.Composed:
    """`begin; select set_config('app.user_id', '<uuid>', true)` for one round trip."""
    value = str(UUID(str(user_id))) if user_id else ""
    return sql.SQL("begin; select set_config('app.user_id', {}, true)").format(sql.Literal(value))


async def _begin(pool: AsyncConnectionPool, context: sql.Composed, timeout: float | None) -> AsyncConnection:
    """A checked-out connection with the unit's transaction open (see the module docstring).

    The pool's own `check` would cost a round trip per unit of work, and after a restart it backs
    off for a second, then two, four... per dead connection it meets."""
    retried = False
    while True:
        conn = await pool.getconn(timeout)
        try:
            await conn.execute(context)
        except BaseException as error:
            await pool.putconn(conn)
            if retried or not (isinstance(error, psycopg.OperationalError) and conn.closed):
                raise
            log.warning("database connection lost (%s); starting again on a fresh one", type(error).__name__)
        else:
            return conn
        retried = True
        await pool.check()


@asynccontextmanager
async def _unit_of_work(
    kind: str, user_id: UUID | str | None, translate_errors: bool, timeout: float | None
) -> AsyncIterator:
    context = begin_with_context(user_id)
    pool = await _pool(kind)
    conn = await _begin(pool, context, timeout)
    try:
        try:
            yield conn
        except BaseException as error:
            with suppress(psycopg.Error):  # a broken connection is discarded by the pool
                await conn.execute("rollback")
            if translate_errors and isinstance(error, psycopg.Error) and (mapped := translate(error)):
                raise mapped from error
            raise
        try:
            await conn.execute("commit")
        except psycopg.Error as error:
            if translate_errors and (mapped := translate(error)):
                raise mapped from error
            raise
    finally:
        await pool.putconn(conn)


@asynccontextmanager
async def tenant_session(
    user_id: UUID | str | None, *, translate_errors: bool = True, timeout: float | None = None
) -> AsyncIterator[AsyncConnection]:
    """A transaction as skopx_app acting for `user_id` (None: anonymous).

    `timeout`: seconds to wait for a connection (the pool's 30 s by default), then `PoolTimeout`."""
    async with _unit_of_work("app", user_id, translate_errors, timeout) as conn:
        yield conn


@asynccontextmanager
async def service_session(
    actor_id: UUID | str | None = None, *, translate_errors: bool = True
) -> AsyncIterator[AsyncConnection]:
    """A transaction as skopx_service; `actor_id` is recorded by audit triggers and scopes BYOK keys."""
    async with _unit_of_work("service", actor_id, translate_errors, None) as conn:
        yield conn
