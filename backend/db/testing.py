"""A freshly migrated throw-away database for tests and benchmarks.

Embedded by default; an external server when DATABASE_ADMIN_URL and DATABASE_URL are set (the admin URL's
database is the one recreated; `database_on_server` spells those variables for a database of one's own).
Used by tests/integration/conftest.py, tests/twin/conftest.py and the benches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from backend.db.migrate import migrate
from backend.db.urls import APP_ROLE, SERVICE_ROLE, DatabaseUrls, resolve_urls


@dataclass(frozen=True)
class MigratedDatabase:
    name: str
    admin: str
    app: str
    service: str


def _urls(dbname: str) -> DatabaseUrls:
    admin, app = os.environ.get("DATABASE_ADMIN_URL"), os.environ.get("DATABASE_URL")
    if admin and app:
        service = os.environ.get("SERVICE_DATABASE_URL") or make_conninfo(app, user=SERVICE_ROLE)
        return DatabaseUrls(admin=admin, app=app, service=service, embedded=False)
    from backend.config import get_settings
    from backend.db import embedded

    embedded.start()
    return resolve_urls(get_settings(), dbname=dbname)


def recreate_database(dbname: str | None = None) -> MigratedDatabase:
    """Drop (after ending its connections), create and migrate the database; return its URLs.

    Without `dbname`: SKOPX_DB_NAME (embedded) or the external admin URL's own database."""
    explicit = dbname is not None
    dbname = dbname or os.environ.get("SKOPX_DB_NAME", "skopx_test")
    urls = _urls(dbname)
    if not urls.embedded:
        if not explicit:
            dbname = conninfo_to_dict(urls.admin).get("dbname") or dbname
        admin, app, service = (make_conninfo(u, dbname=dbname) for u in (urls.admin, urls.app, urls.service))
        urls = DatabaseUrls(admin=admin, app=app, service=service, embedded=False)
    drop_database(urls.admin)
    with psycopg.connect(make_conninfo(urls.admin, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
    migrate(urls.admin, role_urls={APP_ROLE: urls.app, SERVICE_ROLE: urls.service})
    return MigratedDatabase(name=dbname, admin=urls.admin, app=urls.app, service=urls.service)


def drop_database(admin_url: str) -> None:
    """End every connection to the database `admin_url` names, then drop it (if it exists)."""
    dbname = conninfo_to_dict(admin_url)["dbname"]
    with psycopg.connect(make_conninfo(admin_url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (dbname,),
        )
        conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(dbname)))


def database_on_server(server_url: str, dbname: str) -> dict[str, str]:
    """DATABASE_ADMIN_URL, DATABASE_URL and SERVICE_DATABASE_URL for database `dbname` on the PostgreSQL
    server of `server_url` (a superuser URL). The app roles get no password (a loopback server with
    trust authentication), so migrating does not change theirs on a server other databases share."""
    params = {k: v for k, v in conninfo_to_dict(server_url).items() if k != "password"}
    return {
        "DATABASE_ADMIN_URL": make_conninfo(server_url, dbname=dbname),
        "DATABASE_URL": make_conninfo(**{**params, "user": APP_ROLE, "dbname": dbname}),
        "SERVICE_DATABASE_URL": make_conninfo(**{**params, "user": SERVICE_ROLE, "dbname": dbname}),
    }
