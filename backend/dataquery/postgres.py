"""One checked statement on a PostgreSQL server, which enforces reading on its own side too.

Each query gets a fresh connection (`connect_timeout`) and one transaction started with
`BEGIN READ ONLY`, in which `SET LOCAL` sets `statement_timeout`, `lock_timeout`,
`idle_in_transaction_session_timeout` and `DateStyle`; they work behind a pooler in transaction mode,
unlike startup options. The statement runs in a server-side cursor (`DECLARE … CURSOR FOR`,
which itself accepts only a query without data-modifying WITH parts), read by `FETCH` in batches the
`Collector` sizes, so the caps stop the database early instead of after it sent everything. An
EXPLAIN, which no cursor can hold, runs in an ordinary cursor: its answer is a plan. Both go through
the extended query protocol, which refuses a second statement. Whatever happens, the transaction is
rolled back and the connection closed.

A function that writes is refused by the read-only transaction even when the role may write. What
the transaction cannot stop is a function that opens a connection of its own (dblink, or one written
in an untrusted language): the guard refuses the known ones, and the connection's role should be one
that may only read.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from backend.dataquery import errors
from backend.dataquery.addresses import Address
from backend.dataquery.config import ConnectionConfig
from backend.dataquery.guard import Statement
from backend.dataquery.results import (
    Collector,
    Convert,
    QueryResult,
    TypeFamily,
    json_safe,
    real_number,
    whole_number,
)
from backend.limits import QueryLimits

APPLICATION_NAME = "skopx data query"
_CURSOR_NAME = "skopx_data_query"
# Sent as one message of the simple query protocol: one round trip opens the transaction and sets it up.
_BEGIN = (
    "BEGIN READ ONLY; SET LOCAL statement_timeout = {statement}; SET LOCAL lock_timeout = {lock}; "
    "SET LOCAL idle_in_transaction_session_timeout = {idle}; SET LOCAL DateStyle = ISO"
)


def _timestamp(text: str) -> str:
    """PostgreSQL's ISO output ("2024-02-29 13:14:15.5+00") as ISO 8601 ("2024-02-29T13:14:15.5+00:00")."""
    text = text.replace(" ", "T", 1)
    return text + ":00" if len(text) > 3 and text[-3] in "+-" else text


# Kept as the server's text (DateStyle ISO): exact decimals, and dates without Python's limits
# ('infinity', years BC); faster too, as no Decimal or datetime is made only to be printed again.
_AS_TEXT = ("numeric", "date", "time", "timetz", "timestamp", "timestamptz")
# Type name -> (family, conversion; None where the driver's value is already JSON-safe).
_TYPES: dict[str, tuple[TypeFamily, Convert | None]] = {
    "int2": ("number", None),
    "int4": ("number", None),
    "oid": ("number", None),
    "int8": ("number", whole_number),
    "float4": ("number", real_number),
    "float8": ("number", real_number),
    "numeric": ("number", None),
    "money": ("number", json_safe),
    "text": ("text", None),
    "varchar": ("text", None),
    "bpchar": ("text", None),
    "char": ("text", None),
    "name": ("text", None),
    "uuid": ("text", str),
    "xml": ("text", json_safe),
    "date": ("date", None),
    "time": ("date", None),
    "timetz": ("date", None),
    "timestamp": ("date", _timestamp),
    "timestamptz": ("date", _timestamp),
    "bool": ("bool", None),
}
_OTHER: tuple[TypeFamily, Convert | None] = ("other", json_safe)


async def run(
    config: ConnectionConfig, statement: Statement, limits: QueryLimits, address: Address
) -> QueryResult:
    """Run `statement` on the server at `address` (checked by `addresses.check_address`)."""
    conn = await _connect(config, limits, address)
    try:
        return await _query(conn, statement, limits)
    except psycopg.Error as error:
        raise _query_error(error, config, limits) from None
    finally:
        await _close(conn)


async def _connect(
    config: ConnectionConfig, limits: QueryLimits, address: Address
) -> psycopg.AsyncConnection[Any]:
    # libpq connects to `hostaddr` without resolving `host`, which it still uses for TLS (SNI and the
    # certificate check under verify-full).
    options: dict[str, Any] = {
        "host": address.name,
        "hostaddr": address.ip,
        "port": address.port,
        "dbname": config.database,
        "user": config.user,
        "password": config.password,
        "sslmode": config.tls,
        "connect_timeout": max(1, round(limits.connect_timeout_s)),
        "application_name": APPLICATION_NAME,
    }
    if config.tls == "verify-full":
        options["sslrootcert"] = "system"
    try:
        # Autocommit only so that psycopg sends no BEGIN of its own: _BEGIN opens the transaction.
        conn = await psycopg.AsyncConnection.connect(autocommit=True, **options)
    except (psycopg.Error, OSError) as error:
        raise _connect_error(error, config, limits) from None
    for name in _AS_TEXT:
        conn.adapters.register_loader(name, TextLoader)
    return conn


async def _query(
    conn: psycopg.AsyncConnection[Any], statement: Statement, limits: QueryLimits
) -> QueryResult:
    statement_ms, lock_ms = round(limits.statement_timeout_s * 1000), round(limits.lock_timeout_s * 1000)
    await conn.execute(_BEGIN.format(statement=statement_ms, lock=lock_ms, idle=statement_ms).encode())
    started = time.perf_counter()
    if statement.explain:
        cursor = conn.cursor()
        await cursor.execute(statement.text, binary=True)  # binary asks for the one-statement protocol
    else:
        cursor = conn.cursor(name=_CURSOR_NAME)
        await cursor.execute(statement.text)
    collector = Collector(
        [(column.name, *_type(conn, column.type_code)) for column in cursor.description or ()],
        limits,
        started=started,
    )
    while not collector.done:
        collector.add(await cursor.fetchmany(collector.wanted()))
    return collector.result()


def _type(conn: psycopg.AsyncConnection[Any], oid: int) -> tuple[TypeFamily, Convert | None]:
    info = conn.adapters.types.get(oid)  # also found by its array type's oid: arrays are "other"
    return _TYPES.get(info.name, _OTHER) if info is not None and info.oid == oid else _OTHER


async def _close(conn: psycopg.AsyncConnection[Any]) -> None:
    status = conn.info.transaction_status
    with contextlib.suppress(psycopg.Error, OSError):
        if status == TransactionStatus.ACTIVE:
            await conn.cancel_safe(timeout=2)
        elif status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
            await conn.rollback()
    await conn.close()


def _connect_error(error: Exception, config: ConnectionConfig, limits: QueryLimits) -> errors.DataQueryError:
    message = str(error)
    lowered = message.lower()
    sqlstate = getattr(error, "sqlstate", None)
    reason = _libpq_reason(message)
    if sqlstate == "28P01" or "authentication failed" in lowered:
        return errors.login_failed()
    if sqlstate == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return errors.unknown_database(config)
    if "ssl" in lowered or "certificate" in lowered:
        return errors.tls_failed(config, reason)
    if "timeout expired" in lowered or "timed out" in lowered:
        return errors.connect_timed_out(config, limits)
    if "connection refused" in lowered:
        return errors.refused(config)
    if "translate host name" in lowered or "name or service not known" in lowered or "resolve" in lowered:
        return errors.unknown_host(config)
    if sqlstate == "28000" or "fatal:" in lowered:
        return errors.login_refused(config, reason)
    return errors.unreachable(config, reason)


def _libpq_reason(message: str) -> str:
    """The server's or libpq's own words, without the "connection to server at … failed:" preamble."""
    reason = message.rsplit("FATAL:", 1)[-1] if "FATAL:" in message else message.rsplit("failed:", 1)[-1]
    return reason.split("\n", 1)[0].strip() or message.strip()


def _query_error(
    error: psycopg.Error, config: ConnectionConfig, limits: QueryLimits
) -> errors.DataQueryError:
    state = error.sqlstate or ""
    detail = error.diag.message_primary or str(error)
    if error.diag.message_hint:
        detail = f"{detail} ({error.diag.message_hint})"
    if state in ("57014", "25P03"):  # query_canceled (the statement timeout), idle in transaction
        return errors.statement_timed_out(limits)
    if state == "55P03":  # lock_not_available
        return errors.lock_timed_out(limits)
    if state == "25006":  # read_only_sql_transaction
        return errors.read_only(config, detail)
    if state == "42501":  # insufficient_privilege
        return errors.permission_denied(config, detail)
    if state.startswith(("08", "57P")) or (not state and not isinstance(error, psycopg.DataError)):
        return errors.connection_lost()
    if not state:  # a value the driver can't turn into Python, such as an interval beyond timedelta's
        return errors.query_failed(config, f"{detail}; cast that column to text in the query to see it")
    return errors.query_failed(config, detail)
