"""The migration runner: order, idempotency, checksum refusal; and the roles it creates."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from backend.db import migrate


@pytest.fixture
def scratch_database(migrated_database: str):
    """An empty database beside the test one, dropped afterwards."""
    name = "skopx_migrate_scratch"
    maintenance = psycopg.conninfo.make_conninfo(migrated_database, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name}")
        conn.execute(f"create database {name}")
    yield psycopg.conninfo.make_conninfo(migrated_database, dbname=name)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


def write_migrations(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    shutil.copy(migrate.SQL_DIR / "0001_roles.sql", folder / "0001_roles.sql")
    for name, sql in files.items():
        (folder / name).write_text(sql)
    return folder


def test_changed_applied_migration_is_refused_with_a_clear_error(
    scratch_database: str, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", {"0002_t.sql": "create table t (id int);"})
    migrate.migrate(scratch_database, sql_dir=sql_dir)
    (sql_dir / "0002_t.sql").write_text("create table t (id bigint);")
    with pytest.raises(migrate.MigrationError, match=r"sql/0002_t.sql changed after it was applied"):
        migrate.migrate(scratch_database, sql_dir=sql_dir)


def test_badly_named_file_is_refused(tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", {"2_oops.sql": "select 1;"})
    with pytest.raises(migrate.MigrationError, match=r"0001_name\.sql"):
        migrate.discover(sql_dir)


def test_failed_migration_leaves_nothing_behind(scratch_database: str, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", {"0002_bad.sql": "create table half (id int); select nope;"})
    with pytest.raises(migrate.MigrationError, match=r"0002_bad\.sql failed"):
        migrate.migrate(scratch_database, sql_dir=sql_dir)
    with psycopg.connect(scratch_database) as conn:
        assert conn.execute("select to_regclass('public.half')").fetchone() == (None,)
        assert "0002_bad.sql" not in migrate.applied(conn)


def test_applies_in_order_records_checksums_and_is_idempotent(scratch_database: str, tmp_path: Path) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "0003_b.sql": "insert into a values (2);",
            "0002_a.sql": "create table a (n int); insert into a values (1);",
        },
    )
    assert migrate.migrate(scratch_database, sql_dir=sql_dir) == [
        "0001_roles.sql",
        "0002_a.sql",
        "0003_b.sql",
    ]
    assert migrate.migrate(scratch_database, sql_dir=sql_dir) == []
    with psycopg.connect(scratch_database) as conn:
        assert [r[0] for r in conn.execute("select n from a order by n")] == [1, 2]
        owner = conn.execute("select tableowner from pg_tables where tablename = 'a'").fetchone()
        assert owner == ("skopx_owner",)
        assert migrate.is_current(conn, sql_dir)
        recorded = migrate.applied(conn)
    assert (
        recorded["0002_a.sql"]
        == migrate.Migration("0002_a.sql", (sql_dir / "0002_a.sql").read_text()).checksum
    )


def test_app_role_is_least_privileged(migrated_database: str) -> None:
    with psycopg.connect(migrated_database) as conn:
        row = conn.execute(
            "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin from pg_roles where rolname = 'skopx_app'"
        ).fetchone()
        assert row == (False, False, False, False, True)
        owned = conn.execute(
            "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname in ('skopx_app', 'skopx_service')"
        ).fetchone()
        assert owned == (0,)
        service = conn.execute(
            "select rolsuper, rolbypassrls from pg_roles where rolname = 'skopx_service'"
        ).fetchone()
        assert service == (False, False)
