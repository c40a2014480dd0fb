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
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import tuple_row

from backend.db.migrate import SQL_DIR, MigrationError
from backend.db.testing import recreate_database

# Not directly in sql/: every sql/*.sql there is a migration (backend/db/migrate.py refuses other names).
SNAPSHOT = SQL_DIR / "snapshot" / "schema.sql"
REGENERATE = "python -m backend.db.snapshot"
DEFAULT_DATABASE = "skopx_snapshot"
SCHEMAS = ("public", "app")
ROLES = ("skopx_owner", "skopx_app", "skopx_service", "skopx_definer")

HEADER = f"""\
-- The security model in force after every migration in sql/: roles, tables with their constraints,
-- indexes and triggers, row-level security, grants, policies, and the app.* functions and views.
-- Generated from a freshly migrated database by backend/db/snapshot.py; do not edit.
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

COMMANDS = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN")
ROLE_ATTRIBUTES = (
    ("rolcanlogin", "login", "nologin"),
    ("rolsuper", "superuser", "nosuperuser"),
    ("rolcreatedb", "createdb", "nocreatedb"),
    ("rolcreaterole", "createrole", "nocreaterole"),
    ("rolinherit", "inherit", "noinherit"),
    ("rolbypassrls", "bypassrls", "nobypassrls"),
    ("rolreplication", "replication", "noreplication"),
)
DEFAULT_ACL_OBJECTS = {"r": "tables", "S": "sequences", "f": "functions", "T": "types", "n": "schemas"}
PUBLIC_BY_DEFAULT = {"f": "EXECUTE", "T": "USAGE"}
# The planner's column options. Some builds keep private bookkeeping in attoptions too (e.g. a
# `pg_attver` counter that differs between databases), which is not part of the schema.
COLUMN_OPTIONS = ("n_distinct", "n_distinct_inherited")


# ------------------------------------------------------------------ rendering
def _rows(conn: psycopg.Connection, query: str, params: Iterable | None = None) -> list[tuple]:
    return conn.cursor(row_factory=tuple_row).execute(query, params).fetchall()


def _section(title: str) -> list[str]:
    return ["", f"-- {'=' * 76} {title}"]


def _grantee(name: str | None) -> str:
    if name is None:
        return "public"
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def _privilege_list(table_level: set[str], columns: dict[str, list[str]]) -> str:
    """`select, update (a, b), delete` in a fixed order of privileges."""
    parts = []
    for privilege in PRIVILEGES:
        if privilege in table_level:
            parts.append(privilege.lower())
        if privilege in columns:
            parts.append(f"{privilege.lower()} ({', '.join(columns[privilege])})")
    return ", ".join(parts)


def _acl(conn: psycopg.Connection, kind: str, oid: int) -> dict[str | None, set[str]]:
    """Grantee (None for PUBLIC) -> privileges, leaving out the owner's own."""
    catalog, acl, owner = {
        "relation": ("pg_class", "relacl", "relowner"),
        "function": ("pg_proc", "proacl", "proowner"),
        "schema": ("pg_namespace", "nspacl", "nspowner"),
    }[kind]
    rows = _rows(
        conn,
        f"select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        f" from {catalog} o, aclexplode(o.{acl}) a where o.oid = %s and a.grantee <> o.{owner}",
        (oid,),
    )
    grants: dict[str | None, set[str]] = {}
    for grantee, privilege in rows:
        grants.setdefault(grantee, set()).add(privilege)
    return grants


def _sorted_grantees(grantees: Iterable[str | None]) -> list[str | None]:
    return sorted(grantees, key=lambda g: (g is None, g or ""))


def render_roles(conn: psycopg.Connection) -> list[str]:
    out = _section("roles")
    columns = ", ".join(column for column, _, _ in ROLE_ATTRIBUTES)
    for row in _rows(
        conn,
        f"select rolname, {columns} from pg_roles where rolname = any(%s) order by rolname",
        (list(ROLES),),
    ):
        flags = [on if value else off for (_, on, off), value in zip(ROLE_ATTRIBUTES, row[1:], strict=True)]
        out.append(f"alter role {row[0]} {' '.join(flags)};")
    for role, member in _rows(
        conn,
        "select r.rolname, m.rolname from pg_auth_members a join pg_roles r on r.oid = a.roleid"
        " join pg_roles m on m.oid = a.member where m.rolname = any(%s) order by 2, 1",
        (list(ROLES),),
    ):
        out.append(f"grant {role} to {member};")
    out.append("-- on the database itself (whose name varies):")
    grants = _rows(
        conn,
        "select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        " from pg_database d, aclexplode(d.datacl) a"
        " where d.datname = current_database() and a.grantee <> d.datdba",
    )
    by_grantee: dict[str | None, set[str]] = {}
    for grantee, privilege in grants:
        by_grantee.setdefault(grantee, set()).add(privilege.lower())
    for grantee in _sorted_grantees(by_grantee):
        out.append(f"--   grant {', '.join(sorted(by_grantee[grantee]))} to {_grantee(grantee)}")
    if None not in by_grantee:
        out.append("--   nothing to public")
    return out


def render_schemas_and_types(conn: psycopg.Connection) -> list[str]:
    out = _section("schemas, default privileges and types")
    for oid, name, owner in _rows(
        conn,
        "select oid, nspname, pg_get_userbyid(nspowner) from pg_namespace where nspname = any(%s)"
        " order by array_position(%s, nspname::text)",
        (list(SCHEMAS), list(SCHEMAS)),
    ):
        out.append(f"-- schema {name}, owned by {owner}")
        grants = _acl(conn, "schema", oid)
        for grantee in _sorted_grantees(grants):
            out.append(
                f"grant {', '.join(sorted(p.lower() for p in grants[grantee]))} on schema {name} to {_grantee(grantee)};"
            )
    defaults: dict[tuple[str, str | None, str], list[tuple[str | None, str]]] = {}
    for role, schema, objtype, grantee, privilege in _rows(
        conn,
        "select pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text,"
        " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        " from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace"
        " cross join aclexplode(d.defaclacl) a where a.grantee <> d.defaclrole",
    ):
        defaults.setdefault((role, schema, objtype), []).append((grantee, privilege))
    for role, schema, objtype in _rows(
        conn,
        "select pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text"
        " from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace",
    ):
        defaults.setdefault((role, schema, objtype), [])
    for (role, schema, objtype), entries in sorted(
        defaults.items(), key=lambda d: (d[0][0], d[0][1] or "", d[0][2])
    ):
        target = f"for role {role}" + (f" in schema {schema}" if schema else "")
        objects = DEFAULT_ACL_OBJECTS.get(objtype, objtype)
        public_default = PUBLIC_BY_DEFAULT.get(objtype)
        if public_default and (None, public_default) not in entries:
            out.append(
                f"alter default privileges {target} revoke {public_default.lower()} on {objects} from public;"
            )
        for grantee, privilege in sorted(entries, key=lambda e: (e[0] is None, e[0] or "", e[1])):
            out.append(
                f"alter default privileges {target} grant {privilege.lower()} on {objects} to {_grantee(grantee)};"
            )
    for name, kind, labels, definition in _rows(
        conn,
        "select format('%%I.%%I', n.nspname, t.typname), t.typtype::text,"
        " array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder),"
        " case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end"
        " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
        " where n.nspname = any(%s) and t.typtype in ('e', 'd') order by 1",
        (list(SCHEMAS),),
    ):
        if kind == "e":
            out.append(f"create type {name} as enum ({', '.join(_literal(label) for label in labels)});")
        else:
            out.append(f"create domain {name} as {definition};")
    return out


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _column(name: str, type_: str, notnull: bool, identity: str, generated: str, expr: str | None) -> str:
    parts = [name, type_]
    if generated == "s":
        parts.append(f"generated always as ({expr}) stored")
    elif generated:
        parts.append(f"generated always as ({expr}) virtual")
    elif expr is not None:
        parts.append(f"default {expr}")
    if identity:
        parts.append(
            "generated always as identity" if identity == "a" else "generated by default as identity"
        )
    if notnull:
        parts.append("not null")
    return "  " + " ".join(parts)


def render_table(conn: psycopg.Connection, oid: int, name: str) -> list[str]:
    owner, rls, forced, options = _rows(
        conn,
        "select pg_get_userbyid(relowner), relrowsecurity, relforcerowsecurity, reloptions::text[]"
        " from pg_class where oid = %s",
        (oid,),
    )[0]
    columns = _rows(
        conn,
        "select quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity::text,"
        " a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid), a.attoptions::text[]"
        " from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
        " where a.attrelid = %s and a.attnum > 0 and not a.attisdropped order by a.attnum",
        (oid,),
    )
    # contype 'n': NOT NULL constraints, catalogued since PostgreSQL 18; shown on their columns instead.
    constraints = _rows(
        conn,
        "select quote_ident(conname), pg_get_constraintdef(oid) from pg_constraint"
        " where conrelid = %s and contype <> 'n'"
        " order by array_position(array['p', 'u', 'x', 'f', 'c', 't'], contype::text), conname",
        (oid,),
    )
    out = [f"-- {'-' * 64} {name}", f"create table {name} ("]
    body = [_column(*column[:6]) for column in columns]
    body += [f"  constraint {con} {definition}" for con, definition in constraints]
    out.append(",\n".join(body))
    out.append(");")
    out.append(f"alter table {name} owner to {owner};")
    if options:
        out.append(f"alter table {name} set ({', '.join(options)});")
    for column in columns:
        kept = [option for option in column[6] or [] if option.split("=", 1)[0] in COLUMN_OPTIONS]
        if kept:
            out.append(f"alter table {name} alter column {column[0]} set ({', '.join(kept)});")
    for (definition,) in _rows(
        conn,
        "select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid"
        " where i.indrelid = %s and not exists (select 1 from pg_constraint k"
        "  where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))"
        " order by c.relname",
        (oid,),
    ):
        out.append(f"{definition};")
    for definition, enabled, trigger in _rows(
        conn,
        "select pg_get_triggerdef(oid), tgenabled::text, quote_ident(tgname) from pg_trigger"
        " where tgrelid = %s and not tgisinternal order by tgname",
        (oid,),
    ):
        out.append(f"{definition};")
        if enabled != "O":
            state = {"D": "disable", "R": "enable replica", "A": "enable always"}[enabled]
            out.append(f"alter table {name} {state} trigger {trigger};")
    out.append(f"alter table {name} {'enable' if rls else 'disable'} row level security;")
    out.append(f"alter table {name} {'force' if forced else 'no force'} row level security;")
    out += _relation_grants(conn, oid, name, [c[0] for c in columns])
    out += _policies(conn, oid, name)
    return out


def _relation_grants(conn: psycopg.Connection, oid: int, name: str, column_order: list[str]) -> list[str]:
    table_level = _acl(conn, "relation", oid)
    column_level: dict[str | None, dict[str, list[str]]] = {}
    for grantee, privilege, column in _rows(
        conn,
        "select case when g.grantee = 0 then null else pg_get_userbyid(g.grantee) end, g.privilege_type,"
        " quote_ident(a.attname) from pg_attribute a cross join aclexplode(a.attacl) g"
        " join pg_class c on c.oid = a.attrelid"
        " where a.attrelid = %s and a.attnum > 0 and not a.attisdropped and g.grantee <> c.relowner",
        (oid,),
    ):
        column_level.setdefault(grantee, {}).setdefault(privilege, []).append(column)
    out = []
    for grantee in _sorted_grantees(set(table_level) | set(column_level)):
        columns = {p: sorted(cs, key=column_order.index) for p, cs in column_level.get(grantee, {}).items()}
        privileges = _privilege_list(table_level.get(grantee, set()), columns)
        out.append(f"grant {privileges} on {name} to {_grantee(grantee)};")
    return out


def _policies(conn: psycopg.Connection, oid: int, name: str) -> list[str]:
    out = []
    for policy, command, permissive, roles, using, check in _rows(
        conn,
        "select quote_ident(polname), polcmd::text, polpermissive,"
        " array(select case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end"
        "  from unnest(polroles) r order by 1),"
        " pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)"
        " from pg_policy where polrelid = %s"
        " order by array_position(array['r', 'a', 'w', 'd', '*'], polcmd::text), polname",
        (oid,),
    ):
        statement = f"create policy {policy} on {name}"
        if not permissive:
            statement += " as restrictive"
        statement += f" for {COMMANDS[command]} to {', '.join(roles)}"
        if using is not None:
            statement += f"\n  using ({_unwrap(using)})"
        if check is not None:
            statement += f"\n  with check ({_unwrap(check)})"
        out.append(statement + ";")
    return out


def _unwrap(expression: str) -> str:
    """`(a AND b)` -> `a AND b` when the outer parentheses enclose the whole expression."""
    if not expression.startswith("("):
        return expression
    depth, quote = 0, ""
    for i, char in enumerate(expression):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return expression[1:-1] if i == len(expression) - 1 else expression
    return expression


def render_relations(conn: psycopg.Connection) -> list[str]:
    out = _section("tables: columns, constraints, indexes, triggers, row-level security, grants, policies")
    relations = _rows(
        conn,
        "select c.oid, format('%%I.%%I', n.nspname, c.relname), c.relkind::text from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm')"
        " order by array_position(%s, n.nspname::text), c.relkind::text = 'v', c.relname",
        (list(SCHEMAS), list(SCHEMAS)),
    )
    for oid, name, kind in relations:
        out.append("")
        if kind in ("r", "p"):
            out += render_table(conn, oid, name)
        else:
            out += _render_view(conn, oid, name, kind)
    # Sequences appear only if a role other than their owner was granted something on them.
    for oid, name in _rows(
        conn,
        "select c.oid, format('%%I.%%I', n.nspname, c.relname) from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(%s) and c.relkind = 'S'"
        " order by 2",
        (list(SCHEMAS),),
    ):
        grants = _acl(conn, "relation", oid)
        for grantee in _sorted_grantees(grants):
            privileges = ", ".join(sorted(p.lower() for p in grants[grantee]))
            out.append(f"grant {privileges} on sequence {name} to {_grantee(grantee)};")
    return out


def _render_view(conn: psycopg.Connection, oid: int, name: str, kind: str) -> list[str]:
    owner, options, definition = _rows(
        conn,
        "select pg_get_userbyid(relowner), reloptions::text[], pg_get_viewdef(oid) from pg_class where oid = %s",
        (oid,),
    )[0]
    keyword = "materialized view" if kind == "m" else "view"
    with_options = f" with ({', '.join(options)})" if options else ""
    out = [
        f"-- {'-' * 64} {name}",
        f"create {keyword} {name}{with_options} as",
        definition.rstrip().rstrip(";") + ";",
    ]
    out.append(f"alter {keyword} {name} owner to {owner};")
    columns = [
        r[0]
        for r in _rows(
            conn,
            "select quote_ident(attname) from pg_attribute where attrelid = %s and attnum > 0 order by attnum",
            (oid,),
        )
    ]
    return out + _relation_grants(conn, oid, name, columns) + _policies(conn, oid, name)


def render_functions(conn: psycopg.Connection) -> list[str]:
    functions = _rows(
        conn,
        "select p.oid, format('%%I.%%I(%%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),"
        " pg_get_userbyid(p.proowner), p.prosecdef, p.provolatile::text, p.proacl is null,"
        " pg_get_functiondef(p.oid)"
        " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = any(%s) and p.prokind in ('f', 'p')"
        " order by array_position(%s, n.nspname::text), p.proname, 2",
        (list(SCHEMAS), list(SCHEMAS)),
    )
    out = _section("functions")
    out.append("-- signature | owner | security | volatility | executable by (besides the owner)")
    volatility = {"i": "immutable", "s": "stable", "v": "volatile"}
    executors: dict[int, str] = {}
    for oid, signature, owner, definer, volatile, default_acl, _ in functions:
        if default_acl:
            executors[oid] = "public (default privileges)"
        else:
            grants = _acl(conn, "function", oid)
            executors[oid] = ", ".join(_grantee(g) for g in _sorted_grantees(grants)) or "nobody"
        security = "definer" if definer else "invoker"
        out.append(f"--   {signature} | {owner} | {security} | {volatility[volatile]} | {executors[oid]}")
    for oid, signature, owner, _, _, default_acl, definition in functions:
        out.append("")
        out.append(definition.rstrip("\n") + ";")
        out.append(f"alter function {signature} owner to {owner};")
        if not default_acl:
            out.append(f"revoke all on function {signature} from public;")
            grants = _acl(conn, "function", oid)
            for grantee in _sorted_grantees(grants):
                out.append(f"grant execute on function {signature} to {_grantee(grantee)};")
    return out


def render(conn: psycopg.Connection) -> str:
    """The snapshot of the database `conn` is connected to (as a superuser)."""
    previous = _rows(conn, "select current_setting('search_path')")[0][0]
    _rows(conn, "select set_config('search_path', '', false)")
    lines = HEADER.rstrip("\n").split("\n")
    try:
        for part in (render_roles, render_schemas_and_types, render_relations, render_functions):
            lines += part(conn)
    finally:
        _rows(conn, "select set_config('search_path', %s, false)", (previous,))
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


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
