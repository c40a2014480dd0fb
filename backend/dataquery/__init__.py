"""Read-only queries on the databases organizations connect: `run_query(config, sql)`.

Three fences, each enough on its own for what it covers:

1. `guard.check_sql` reads the SQL with sqlglot and lets through exactly one read-only query;
2. the database runs it in a read-only transaction with a statement timeout, a lock timeout and a
   fresh connection (`postgres`, `mysql`), fetching no more than the row and byte caps;
3. the whole run is held to a wall-clock limit, so nothing waits longer whatever the network does.

Before any of that, `addresses.check_address` decides whether the host may be connected to at all
(not Skopx's own network or database, not cloud metadata) and resolves it once; the engines connect
to the address it checked.

Every failure is an `AppError` whose sentence says what to do (`errors`), never a stack trace or the
password. Limits come from `backend.limits.DATA_QUERY_LIMITS`.
"""

from __future__ import annotations

import asyncio

from backend.config import get_settings
from backend.dataquery import errors, mysql, postgres
from backend.dataquery.addresses import (
    Address,
    AddressPolicy,
    Resolver,
    check_address,
    policy_from_settings,
    system_resolve,
)
from backend.dataquery.config import ConnectionConfig, Engine, TlsMode
from backend.dataquery.guard import Statement, check_sql
from backend.dataquery.results import Column, QueryResult, TypeFamily
from backend.limits import DATA_QUERY_LIMITS, QueryLimits

__all__ = [
    "Address",
    "AddressPolicy",
    "Column",
    "ConnectionConfig",
    "Engine",
    "QueryLimits",
    "QueryResult",
    "Statement",
    "TlsMode",
    "TypeFamily",
    "check_address",
    "check_sql",
    "errors",
    "run_query",
]

# Beyond connecting and the statement timeout, what the wall-clock limit allows for the rest.
_GRACE_S = 3
_RUNNERS = {"postgresql": postgres.run, "mysql": mysql.run}
# Runs given up on at the wall-clock limit, still closing their connections.
_abandoned: set[asyncio.Future[QueryResult]] = set()


async def run_query(
    config: ConnectionConfig,
    sql: str,
    *,
    limits: QueryLimits = DATA_QUERY_LIMITS,
    policy: AddressPolicy | None = None,
    resolve: Resolver = system_resolve,
) -> QueryResult:
    """Run one read-only query and return at most `limits.max_rows` rows and `limits.max_bytes` of data.

    Raises `backend.errors.Invalid` (field "sql") for SQL the guard refuses, `Invalid` (field "host")
    for an address `policy` (by default this deployment's, `policy_from_settings`) refuses, and an
    `errors.DataQueryError` subclass when the database can't be reached or refuses or stops the query.
    The host is resolved once, with `resolve`, within the connect timeout; then the run returns or
    raises within connect timeout + statement timeout + a few seconds, whatever the network does; a run
    given up on finishes closing its connection in the background.
    """
    statement = check_sql(sql, config.engine)
    address = await check_address(
        config.host,
        config.port,
        policy if policy is not None else policy_from_settings(get_settings()),
        resolve=resolve,
        timeout_s=limits.connect_timeout_s,
    )
    run = asyncio.ensure_future(_RUNNERS[config.engine](config, statement, limits, address))
    try:
        return await asyncio.wait_for(
            asyncio.shield(run), limits.connect_timeout_s + limits.statement_timeout_s + _GRACE_S
        )
    except TimeoutError:
        raise errors.statement_timed_out(limits) from None
    finally:
        if not run.done():
            run.cancel()
            _abandoned.add(run)
            run.add_done_callback(_forget)


def _forget(run: asyncio.Future[QueryResult]) -> None:
    _abandoned.discard(run)
    if not run.cancelled():
        run.exception()  # read, so that asyncio doesn't report it as never retrieved
