"""Apply `sql/NNNN_*.sql` in order, recording each file's name and checksum.

Each file runs in its own transaction as `skopx_owner`, so every object it creates is
owned by that role; a file whose first line is `-- run-as: admin` runs as the admin
connection instead (role creation). A file that changed after it was applied is refused:
landed migrations never change, a change is a new file.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from backend.config import PROJECT_ROOT, get_settings
from backend.db.urls import APP_ROLE, SERVICE_ROLE, resolve_urls

SQL_DIR = PROJECT_ROOT / "sql"
MIGRATION_NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def runs_as_admin(self) -> bool:
        return self.sql.startswith("-- run-as: admin")


def discover(sql_dir: Path = SQL_DIR) -> list[Migration]:
    files = sorted(p for p in sql_dir.glob("*.sql"))
    bad = [p.name for p in files if not MIGRATION_NAME.match(p.name)]
    if bad:
        raise MigrationError(f"Migration file names must look like 0001_name.sql: {', '.join(bad)}")
    return [Migration(p.name, p.read_text()) for p in files]


def _ensure_ledger(conn: psycopg.Connection) -> None:
    conn.execute("create schema if not exists skopx_meta")
    conn.execute(
        "create table if not exists skopx_meta.schema_migrations ("
        " name text primary key, checksum text not null,"
        " applied_at timestamptz not null default now())"
    )
    conn.execute("revoke all on schema skopx_meta from public")


def applied(conn: psycopg.Connection) -> dict[str, str]:
    rows = conn.execute("select name, checksum from skopx_meta.schema_migrations").fetchall()
    return {name: checksum for name, checksum in rows}


def pending(conn: psycopg.Connection, migrations: list[Migration]) -> list[Migration]:
    done = applied(conn)
    for migration in migrations:
        recorded = done.get(migration.name)
        if recorded is not None and recorded != migration.checksum:
            raise MigrationError(
                f"sql/{migration.name} changed after it was applied (checksum {recorded[:12]} "
                f"became {migration.checksum[:12]}). Applied migrations never change: revert the "
                "edit and put the change in a new file."
            )
    return [m for m in migrations if m.name not in done]


def _set_login_passwords(conn: psycopg.Connection, urls: dict[str, str]) -> None:
    """External Postgres: give the login roles the passwords their URLs carry."""
    for role, url in urls.items():
        password = conninfo_to_dict(url).get("password") if url else None
        if password:
            conn.execute(
                psycopg.sql.SQL("alter role {} password {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
            )


def migrate(admin_url: str, *, sql_dir: Path = SQL_DIR, role_urls: dict[str, str] | None = None) -> list[str]:
    migrations = discover(sql_dir)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(hashtext('skopx_migrations'))")
        try:
            _ensure_ledger(conn)
            todo = pending(conn, migrations)
            for migration in todo:
                with conn.transaction():
                    if not migration.runs_as_admin:
                        conn.execute("set local role skopx_owner")
                    try:
                        conn.execute(migration.sql)
                    except psycopg.Error as error:
                        raise MigrationError(f"sql/{migration.name} failed: {error}") from None
                    conn.execute("reset role")
                    conn.execute(
                        "insert into skopx_meta.schema_migrations (name, checksum) values (%s, %s)",
                        (migration.name, migration.checksum),
                    )
            # /healthz (running as the app role) reports whether migrations are current.
            conn.execute("grant usage on schema skopx_meta to skopx_app")
            conn.execute("grant select on skopx_meta.schema_migrations to skopx_app")
            if role_urls:
                _set_login_passwords(conn, role_urls)
        finally:
            conn.execute("select pg_advisory_unlock(hashtext('skopx_migrations'))")
    return [m.name for m in todo]


def checksums(sql_dir: Path = SQL_DIR) -> dict[str, str]:
    """Name -> checksum of every migration file in `sql_dir`."""
    return {m.name: m.checksum for m in discover(sql_dir)}


@lru_cache(maxsize=1)
def shipped_checksums() -> dict[str, str]:
    """`checksums()` of the app's own sql/, read once: those files do not change while it runs."""
    return checksums()


def is_current(conn: psycopg.Connection, sql_dir: Path = SQL_DIR) -> bool:
    """True when every migration file is applied with its current checksum."""
    try:
        return applied(conn) == checksums(sql_dir)
    except psycopg.Error:
        return False


def main() -> int:
    settings = get_settings()
    try:
        urls = resolve_urls(settings)
        if not urls.admin:
            raise MigrationError(
                "DATABASE_ADMIN_URL is required to run migrations on an external PostgreSQL."
            )
        names = migrate(urls.admin, role_urls={APP_ROLE: urls.app, SERVICE_ROLE: urls.service})
    except (MigrationError, RuntimeError, psycopg.OperationalError) as error:
        print(f"migrate: {error}", file=sys.stderr)
        return 1
    summary = ", ".join(names) if names else "already current"
    print(f"migrate: applied {len(names)} migration(s): {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
