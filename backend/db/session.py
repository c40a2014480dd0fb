"""Units of work: one transaction per unit, tenant context set transaction-locally.

`tenant_session(user_id)` runs as skopx_app with `app.user_id` set by
`set_config(..., true)`, so the setting vanishes at commit and a pooled connection can
never carry one user's context into another's work. `service_session()` runs as
skopx_service for server-only jobs. Nothing else opens connections for requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from backend.config import get_settings
from backend.db.urls import resolve_urls

_pools: dict[tuple[str, int], AsyncConnectionPool] = {}


async def _pool(kind: str) -> AsyncConnectionPool:
    """One pool per role per event loop (Reflex workers and tests each have their own)."""
    key = (kind, id(asyncio.get_running_loop()))
    pool = _pools.get(key)
    if pool is None:
        urls = resolve_urls(get_settings())
        conninfo = urls.app if kind == "app" else urls.service
        pool = AsyncConnectionPool(
            conninfo,
            min_size=1,
            max_size=10,
            open=False,
            kwargs={"row_factory": dict_row, "autocommit": False},
            name=f"skopx-{kind}",
        )
        await pool.open(wait=True, timeout=10)
        _pools[key] = pool
    return pool


async def close_pools() -> None:
    loop_id = id(asyncio.get_running_loop())
    for key in [k for k in _pools if k[1] == loop_id]:
        await _pools.pop(key).close()


@asynccontextmanager
async def tenant_session(user_id: UUID | str | None) -> AsyncIterator[AsyncConnection]:
    """A transaction as skopx_app acting for `user_id` (None: anonymous)."""
    pool = await _pool("app")
    async with pool.connection() as conn, conn.transaction():
        await conn.execute("select set_config('app.user_id', %s, true)", (str(user_id) if user_id else "",))
        yield conn


@asynccontextmanager
async def service_session(actor_id: UUID | str | None = None) -> AsyncIterator[AsyncConnection]:
    """A transaction as skopx_service; `actor_id` is recorded by audit triggers."""
    pool = await _pool("service")
    async with pool.connection() as conn, conn.transaction():
        await conn.execute("select set_config('app.user_id', %s, true)", (str(actor_id) if actor_id else "",))
        yield conn
