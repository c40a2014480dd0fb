"""The security model as the database holds it after every migration, written out as one readable file.

`python -m backend.db.snapshot` migrates a throw-away database, renders its catalog and writes
SNAPSHOT; `--check` only compares and prints a diff. tests/integration/test_schema_snapshot.py fails
when the file and the migrations disagree.

The file is rendered from the catalog, not copied from the migrations, so it shows what is in force:
each policy as it stands after every later migration replaced it, including those built by DO blocks.
It holds no OIDs, names of databases or superusers, or server versions, and everything is sorted, so
it is the same on every machine. Expressions are PostgreSQL's own rendering (with an empty
search_path, so every name outside pg_catalog is schema-qualified).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from backend.db.migrate import SQL_DIR, MigrationError
from backend.db.snapshot.catalog import fetch_rows, render_roles, render_schemas_and_types
from backend.db.snapshot.functions import render_functions
from backend.db.snapshot.relations import render_relations
from backend.db.testing import recreate_database

# Not directly in sql/: every sql/*.sql there is a migration (backend/db/migrate.py refuses other names).
SNAPSHOT = SQL_DIR / "snapshot" / "schema.sql"
REGENERATE = "python -m backend.db.snapshot"
DEFAULT_DATABASE = "skopx_snapshot"

HEADER = f"""\
-- The security model in force after every migration in sql/: roles, tables with their constraints,
-- indexes and triggers, row-level security, grants, policies, and the app.* functions and views.
-- Generated from a freshly migrated database by backend/db/snapshot/; do not edit.
-- Regenerate: {REGENERATE}
--
-- Reading it
--   * A policy appears once, as it stands now, whichever migration created or last replaced it.
--   * Grants list what roles other than the owner hold. skopx_owner owns every table and view, and every
--     function that is not a SECURITY DEFINER; those belong to skopx_definer.
--   * Expressions are printed by PostgreSQL: `( SELECT app.user_org_ids() AS user_org_ids)` is the
--     `(select app.user_org_ids())` of the migrations, evaluated once per statement.
--
-- The helpers the policies call: SECURITY DEFINER functions of skopx_definer (which bypasses RLS), so that
-- they read memberships without recursing through the memberships' own policies.
--   app.user_org_ids()          the organizations I belong to
--   app.org_ids_with_role(r)    the organizations where my role is at least r
--   app.has_org_role(o, r)      whether my role in organization o is at least r
--   app.peer_user_ids()         everyone who shares an organization with me
--   app.visibility_keys()       my organizations' ids, and the key of each private project I may see
--   app.hidden_project_ids()    the private projects of my organizations that I may not see
-- app.current_user_id() (an invoker function) is the signed-in user: the transaction's app.user_id.
--
-- The private-project rule (a private project is visible to its creator and to its organization's admins
-- and owners) is written once: the `visible` column of the view app.member_visibility_keys, which both
-- visibility_keys() and hidden_project_ids() read. Conversations, tasks and messages are read through
-- their generated visibility_key (the organization's id, or the project's private_project_key while the
-- project is private) against visibility_keys(). The other checks on private projects use
-- hidden_project_ids(), which judges a project by its id as it was when the statement started: reading
-- projects and data queries, and writing conversations, tasks, messages and data queries.
"""


def render(conn: psycopg.Connection) -> str:
    """The snapshot of the database `conn` is connected to (as a superuser)."""
    previous = fetch_rows(conn, "select current_setting('search_path')")[0][0]
    fetch_rows(conn, "select set_config('search_path', '', false)")
    lines = HEADER.rstrip("\n").split("\n")
    try:
        for part in (render_roles, render_schemas_and_types, render_relations, render_functions):
            lines += part(conn)
    finally:
        fetch_rows(conn, "select set_config('search_path', %s, false)", (previous,))
    return "\n".join(line.rstrip() for line in "\n".join(lines).split("\n")) + "\n"


# ------------------------------------------------------------------ a fresh database
def snapshot_of_fresh_database(dbname: str = DEFAULT_DATABASE) -> str:
    """Recreate and migrate `dbname`, render it, and drop it again."""
    database = recreate_database(dbname)
    try:
        with psycopg.connect(database.admin, autocommit=True) as conn:
            return render(conn)
    finally:
        with psycopg.connect(make_conninfo(database.admin, dbname="postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database.name))
            )


def diff(expected: str, actual: str, *, limit: int = 60) -> str:
    """A unified diff of the committed snapshot against a fresh one, cut to `limit` lines."""
    lines = list(
        difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "committed snapshot", "migrations", n=1, lineterm=""
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more lines)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the security model of the migrated schema to a file.")
    parser.add_argument(
        "--check", action="store_true", help="only compare; exit 1 with a diff if it is stale"
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="throw-away database to migrate")
    parser.add_argument("--output", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    try:
        fresh = snapshot_of_fresh_database(args.database)
    except (MigrationError, RuntimeError, psycopg.OperationalError) as error:
        print(f"snapshot: {error}", file=sys.stderr)
        return 1
    current = args.output.read_text() if args.output.exists() else ""
    if args.check:
        if fresh == current:
            print(f"snapshot: {args.output} is current")
            return 0
        print(f"snapshot: {args.output} differs from the migrations; regenerate with `{REGENERATE}`:")
        print(diff(current, fresh))
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(fresh)
    print(f"snapshot: {'unchanged' if fresh == current else 'wrote'} {args.output}")
    return 0
