"""One checked statement on a MySQL or MariaDB server, which enforces reading on its own side too.

PyMySQL is synchronous, so a query runs in a thread of this module's own pool (a slow database never
takes the threads other work shares). Each query gets a fresh connection without multi-statement
support and without LOAD DATA LOCAL. The session is set to read-only transactions with a statement
time limit (`max_execution_time` on MySQL, `max_statement_time` on MariaDB) and lock waits
(`innodb_lock_wait_timeout`, `lock_wait_timeout`), then the statement runs inside
`START TRANSACTION READ ONLY`, read through an unbuffered cursor in batches the `Collector` sizes.
The socket's read timeout bounds every wait for the server. The connection is then closed without
reading what is left, so a cap stops the transfer; the server rolls the transaction back.

The read-only transaction refuses writes and DDL, also from stored functions. It doesn't stop
`SELECT … INTO OUTFILE`, which the guard refuses and which needs the FILE privilege.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pymysql
import pymysql.cursors
from pymysql.constants import FIELD_TYPE

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

# MySQL queries running at once in this process; more wait for a thread (within their time limit).
MAX_CONCURRENT = 8
_POOL = ThreadPoolExecutor(max_workers=MAX_CONCURRENT, thread_name_prefix="skopx-mysql-query")
# How much longer than the statement timeout a read from the socket may wait before giving up.
_READ_GRACE_S = 5

# Error numbers from the server (ER_*) and from the client library (CR_*).
_ACCESS_DENIED = 1045
_DATABASE_ACCESS_DENIED = 1044
_HOST_NOT_ALLOWED = 1130
_UNKNOWN_DATABASE = 1049
_READ_ONLY_TRANSACTION = 1792
_TIMEOUTS = frozenset({3024, 1969, 1317})  # max_execution_time, max_statement_time, interrupted
_LOCK_WAIT_TIMEOUT = 1205
_NOT_PERMITTED = frozenset({1044, 1045, 1142, 1143, 1227, 1370})
_SSL_ERROR = 2026
_LOST = frozenset({0, 2006, 2013, 2055})


def _bits(value: bytes) -> int:
    return int.from_bytes(value, "big")


def _json(value: str) -> Any:
    return json_safe(json.loads(value))


_TEXT: tuple[TypeFamily, Convert | None] = ("text", json_safe)  # binary strings arrive as bytes
_TYPES: dict[int, tuple[TypeFamily, Convert | None]] = {
    FIELD_TYPE.TINY: ("number", None),
    FIELD_TYPE.SHORT: ("number", None),
    FIELD_TYPE.LONG: ("number", None),
    FIELD_TYPE.INT24: ("number", None),
    FIELD_TYPE.YEAR: ("number", None),
    FIELD_TYPE.LONGLONG: ("number", whole_number),
    FIELD_TYPE.FLOAT: ("number", real_number),
    FIELD_TYPE.DOUBLE: ("number", real_number),
    FIELD_TYPE.DECIMAL: ("number", str),
    FIELD_TYPE.NEWDECIMAL: ("number", str),
    FIELD_TYPE.BIT: ("number", _bits),
    # Dates pass through json_safe: a zero date ('0000-00-00') arrives as text, a TIME as a duration.
    FIELD_TYPE.DATE: ("date", json_safe),
    FIELD_TYPE.NEWDATE: ("date", json_safe),
    FIELD_TYPE.DATETIME: ("date", json_safe),
    FIELD_TYPE.TIMESTAMP: ("date", json_safe),
    FIELD_TYPE.TIME: ("date", json_safe),
    FIELD_TYPE.JSON: ("other", _json),
    **dict.fromkeys(
        (
            FIELD_TYPE.VARCHAR,
            FIELD_TYPE.VAR_STRING,
            FIELD_TYPE.STRING,
            FIELD_TYPE.ENUM,
            FIELD_TYPE.SET,
            FIELD_TYPE.TINY_BLOB,
            FIELD_TYPE.MEDIUM_BLOB,
            FIELD_TYPE.LONG_BLOB,
            FIELD_TYPE.BLOB,
        ),
        _TEXT,
    ),
}
_OTHER: tuple[TypeFamily, Convert | None] = ("other", json_safe)


class _UnbufferedCursor(pymysql.cursors.SSCursor):
    """An unbuffered cursor that never reads the rest of a result (PyMySQL's reads every remaining row,
    millions perhaps, when the cursor or its result is closed or collected): the connection is closed
    instead, which makes the server stop sending."""

    def close(self) -> None:
        if self._result is not None:
            self._result.unbuffered_active = False
        self.connection = None

    __del__ = close


async def run(
    config: ConnectionConfig, statement: Statement, limits: QueryLimits, address: Address
) -> QueryResult:
    """Run `statement` on the server at `address` (checked by `addresses.check_address`)."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, _run, config, statement, limits, address)


def _run(
    config: ConnectionConfig, statement: Statement, limits: QueryLimits, address: Address
) -> QueryResult:
    conn = _connect(config, limits, address)
    cursor = _UnbufferedCursor(conn)
    started = time.perf_counter()
    try:
        _begin_read_only(conn, limits)
        started = time.perf_counter()
        return _query(cursor, statement, limits, started)
    except pymysql.MySQLError as error:
        raise _query_error(error, config, limits, time.perf_counter() - started) from None
    finally:
        cursor.close()
        conn.close()


def _connect(config: ConnectionConfig, limits: QueryLimits, address: Address) -> pymysql.Connection:
    tls: dict[str, Any] = {}
    if config.tls == "disable":
        tls["ssl_disabled"] = True
    elif config.tls in ("require", "verify-full"):
        context = ssl.create_default_context()
        if config.tls == "require":
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        tls["ssl"] = context  # a context makes TLS required: no fallback to plain TCP
    try:
        conn = pymysql.connect(
            host=address.name,  # what TLS checks the certificate against (server_hostname)
            port=address.port,
            user=config.user,
            password=config.password,
            database=config.database,
            charset="utf8mb4",
            autocommit=False,
            local_infile=False,
            client_flag=0,
            connect_timeout=limits.connect_timeout_s,
            read_timeout=limits.connect_timeout_s,  # the server's greeting and the login
            write_timeout=limits.statement_timeout_s + _READ_GRACE_S,
            defer_connect=True,
            **tls,
        )
        conn.connect(_socket(address, limits))
    except pymysql.MySQLError as error:
        raise _connect_error(error, config, limits) from None
    # PyMySQL reads this before every read from the socket; from now on an answer may take as long as
    # the statement may run.
    conn._read_timeout = limits.statement_timeout_s + _READ_GRACE_S
    return conn


def _socket(address: Address, limits: QueryLimits) -> socket.socket:
    """A TCP connection to the checked IP; PyMySQL would resolve `host` again, so it gets this instead."""
    try:
        sock = socket.create_connection((address.ip, address.port), limits.connect_timeout_s)
    except OSError as error:
        raise pymysql.err.OperationalError(2003, f"Can't connect to MySQL server ({error})") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    return sock


def _begin_read_only(conn: pymysql.Connection, limits: QueryLimits) -> None:
    with conn.cursor() as cursor:
        if "mariadb" in conn.get_server_info().lower():
            cursor.execute("SET SESSION max_statement_time = %s", (limits.statement_timeout_s,))
        else:
            cursor.execute("SET SESSION max_execution_time = %s", (round(limits.statement_timeout_s * 1000),))
        lock_wait = max(1, round(limits.lock_timeout_s))
        cursor.execute(
            "SET SESSION innodb_lock_wait_timeout = %s, SESSION lock_wait_timeout = %s",
            (lock_wait, lock_wait),
        )
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.execute("START TRANSACTION READ ONLY")


def _query(
    cursor: _UnbufferedCursor, statement: Statement, limits: QueryLimits, started: float
) -> QueryResult:
    cursor.execute(statement.text)
    collector = Collector(
        [(column[0], *_TYPES.get(column[1], _OTHER)) for column in cursor.description or ()],
        limits,
        started=started,
    )
    while not collector.done:
        collector.add(cursor.fetchmany(collector.wanted()))
    return collector.result()


def _connect_error(
    error: pymysql.MySQLError, config: ConnectionConfig, limits: QueryLimits
) -> errors.DataQueryError:
    code, message = _code_and_message(error)
    lowered = message.lower()
    if code == _ACCESS_DENIED:
        return errors.login_failed()
    if code == _UNKNOWN_DATABASE:
        return errors.unknown_database(config)
    if code in (_DATABASE_ACCESS_DENIED, _HOST_NOT_ALLOWED):
        return errors.login_refused(config, message)
    if code == _SSL_ERROR or "ssl" in lowered or "certificate" in lowered:
        return errors.tls_failed(config, message)
    if "timed out" in lowered:
        return errors.connect_timed_out(config, limits)
    if "refused" in lowered:
        return errors.refused(config)
    if "name or service not known" in lowered or "getaddrinfo" in lowered or "nodename" in lowered:
        return errors.unknown_host(config)
    return errors.unreachable(config, message)


def _query_error(
    error: pymysql.MySQLError, config: ConnectionConfig, limits: QueryLimits, elapsed_s: float
) -> errors.DataQueryError:
    code, message = _code_and_message(error)
    if code in _TIMEOUTS:
        return errors.statement_timed_out(limits)
    if code == _LOCK_WAIT_TIMEOUT:
        return errors.lock_timed_out(limits)
    if code == _READ_ONLY_TRANSACTION:
        return errors.read_only(config, message)
    if code in _NOT_PERMITTED:
        return errors.permission_denied(config, message)
    if code in _LOST or isinstance(error, pymysql.err.InterfaceError):
        if elapsed_s >= limits.statement_timeout_s:
            return errors.statement_timed_out(limits)
        return errors.connection_lost()
    return errors.query_failed(config, message)


def _code_and_message(error: pymysql.MySQLError) -> tuple[int, str]:
    if len(error.args) >= 2 and isinstance(error.args[0], int):
        return error.args[0], str(error.args[1])
    return 0, str(error)
