"""What goes wrong when a data query runs, as `AppError`s whose sentences say what to do.

The engine modules sort their driver's errors into these classes; the sentences live here so that
PostgreSQL and MySQL say the same thing for the same trouble. A database's own message is shown
when it helps to fix the query (a syntax error, an unknown column), after `scrub` has removed
anything that could carry a password or a connection string. No sentence contains a stack trace.
"""

from __future__ import annotations

import re

from backend.dataquery.config import ConnectionConfig
from backend.errors import AppError
from backend.limits import QueryLimits

_MESSAGE_MAX_LEN = 600
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^\s/@]*@", re.IGNORECASE)
_PASSWORD_SETTING = re.compile(r"(password\s*[=:]\s*)('[^']*'|\"[^\"]*\"|\S+)", re.IGNORECASE)


class DataQueryError(AppError):
    """A connected database could not answer; `code` says why."""

    status_code = 502
    code = "data_query_failed"


class DatabaseUnreachable(DataQueryError):
    code = "database_unreachable"


class DatabaseTlsFailed(DataQueryError):
    code = "database_tls_failed"


class DatabaseLoginFailed(DataQueryError):
    code = "database_login_failed"


class QueryTimedOut(DataQueryError):
    status_code = 504
    code = "query_timeout"


class QueryNotPermitted(DataQueryError):
    status_code = 403
    code = "query_not_permitted"


class QueryFailed(DataQueryError):
    status_code = 422
    code = "query_failed"


def scrub(message: str, config: ConnectionConfig) -> str:
    """A database's message on one line, without the password, URL credentials or password settings."""
    text = " ".join(message.split())
    if len(config.password) >= 4:
        text = text.replace(config.password, "***")
    text = _PASSWORD_SETTING.sub(r"\1***", _URL_USERINFO.sub(r"\1***@", text))
    return text if len(text) <= _MESSAGE_MAX_LEN else text[: _MESSAGE_MAX_LEN - 1] + "…"


def _where(config: ConnectionConfig) -> str:
    return f"{config.host}:{config.port}"


def refused(config: ConnectionConfig) -> DatabaseUnreachable:
    return DatabaseUnreachable(
        f"Couldn't connect to the database at {_where(config)}: the connection was refused. Check the host "
        "and port, and that the server accepts connections from Skopx."
    )


def unknown_host(config: ConnectionConfig) -> DatabaseUnreachable:
    return DatabaseUnreachable(f"Couldn't find the database host {config.host}. Check the host name.")


def connect_timed_out(config: ConnectionConfig, limits: QueryLimits) -> DatabaseUnreachable:
    return DatabaseUnreachable(
        f"The database at {_where(config)} didn't answer within {limits.connect_timeout_s:g} seconds. Check "
        "the host and port, and that a firewall lets Skopx through."
    )


def unreachable(config: ConnectionConfig, detail: str) -> DatabaseUnreachable:
    return DatabaseUnreachable(
        f"Couldn't connect to the database at {_where(config)} ({scrub(detail, config)}). Check the connection "
        "settings and try again."
    )


def connection_lost() -> DatabaseUnreachable:
    return DatabaseUnreachable("The connection to the database was lost while the query ran. Try again.")


def tls_failed(config: ConnectionConfig, detail: str) -> DatabaseTlsFailed:
    return DatabaseTlsFailed(
        f"Couldn't set up an encrypted (TLS) connection to the database at {_where(config)}: "
        f"{scrub(detail, config)}. Check the TLS setting of the connection: the server may not offer TLS, "
        "or its certificate may not be one the system trusts for this host name."
    )


def login_failed() -> DatabaseLoginFailed:
    return DatabaseLoginFailed(
        "The database refused the user name or password. Check them in the connection settings."
    )


def login_refused(config: ConnectionConfig, detail: str) -> DatabaseLoginFailed:
    return DatabaseLoginFailed(
        f"The database refused the connection: {scrub(detail, config)}. Check the user and database in the "
        "connection settings, and that this user may connect from Skopx."
    )


def unknown_database(config: ConnectionConfig) -> DatabaseLoginFailed:
    return DatabaseLoginFailed(
        f"The database server has no database named {config.database}. Check the database name in the "
        "connection settings."
    )


def statement_timed_out(limits: QueryLimits) -> QueryTimedOut:
    return QueryTimedOut(
        f"The query ran longer than {limits.statement_timeout_s:g} seconds and was stopped. Narrow it with "
        "WHERE or LIMIT, or aggregate the rows, and try again."
    )


def lock_timed_out(limits: QueryLimits) -> QueryTimedOut:
    return QueryTimedOut(
        f"The query waited more than {limits.lock_timeout_s:g} seconds for data another session has locked, "
        "and was stopped. Try again in a moment."
    )


def read_only(config: ConnectionConfig, detail: str) -> QueryNotPermitted:
    return QueryNotPermitted(
        f"This query tries to change data, and data queries can only read ({scrub(detail, config)}). "
        "Write a query that only reads."
    )


def permission_denied(config: ConnectionConfig, detail: str) -> QueryNotPermitted:
    return QueryNotPermitted(
        f"The database user may not do this: {scrub(detail, config)}. Query data this user can read, or ask "
        "the database's administrator for access."
    )


def query_failed(config: ConnectionConfig, detail: str) -> QueryFailed:
    return QueryFailed(f"The database couldn't run the query: {scrub(detail, config)}")
