"""Catalog reading shared by the snapshot's parts: rows, ACLs, grantee names, roles, schemas and types."""

from __future__ import annotations

import re
from collections.abc import Iterable

import psycopg
from psycopg.rows import tuple_row

SCHEMAS = ("public", "app")
ROLES = ("skopx_owner", "skopx_app", "skopx_service", "skopx_definer")

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
def fetch_rows(conn: psycopg.Connection, query: str, params: Iterable | None = None) -> list[tuple]:
    return conn.cursor(row_factory=tuple_row).execute(query, params).fetchall()


def section(title: str) -> list[str]:
    return ["", f"-- {'=' * 76} {title}"]


def grantee_sql(name: str | None) -> str:
    if name is None:
        return "public"
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def privilege_list(table_level: set[str], columns: dict[str, list[str]]) -> str:
    """`select, update (a, b), delete` in a fixed order of privileges."""
    parts = []
    for privilege in PRIVILEGES:
        if privilege in table_level:
            parts.append(privilege.lower())
        if privilege in columns:
            parts.append(f"{privilege.lower()} ({', '.join(columns[privilege])})")
    return ", ".join(parts)


def acl(conn: psycopg.Connection, kind: str, oid: int) -> dict[str | None, set[str]]:
    """Grantee (None for PUBLIC) -> privileges, leaving out the owner's own."""
    catalog, acl, owner = {
        "relation": ("pg_class", "relacl", "relowner"),
        "function": ("pg_proc", "proacl", "proowner"),
        "schema": ("pg_namespace", "nspacl", "nspowner"),
    }[kind]
    rows = fetch_rows(
        conn,
        f"select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        f" from {catalog} o, aclexplode(o.{acl}) a where o.oid = %s and a.grantee <> o.{owner}",
        (oid,),
    )
    grants: dict[str | None, set[str]] = {}
    for grantee, privilege in rows:
        grants.setdefault(grantee, set()).add(privilege)
    return grants


def sorted_grantees(grantees: Iterable[str | None]) -> list[str | None]:
    return sorted(grantees, key=lambda g: (g is None, g or ""))


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render_roles(conn: psycopg.Connection) -> list[str]:
    out = section("roles")
    columns = ", ".join(column for column, _, _ in ROLE_ATTRIBUTES)
    for row in fetch_rows(
        conn,
        f"select rolname, {columns} from pg_roles where rolname = any(%s) order by rolname",
        (list(ROLES),),
    ):
        flags = [on if value else off for (_, on, off), value in zip(ROLE_ATTRIBUTES, row[1:], strict=True)]
        out.append(f"alter role {row[0]} {' '.join(flags)};")
    for role, member in fetch_rows(
        conn,
        "select r.rolname, m.rolname from pg_auth_members a join pg_roles r on r.oid = a.roleid"
        " join pg_roles m on m.oid = a.member where m.rolname = any(%s) order by 2, 1",
        (list(ROLES),),
    ):
        out.append(f"grant {role} to {member};")
    out.append("-- on the database itself (whose name varies):")
    grants = fetch_rows(
        conn,
        "select case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        " from pg_database d, aclexplode(d.datacl) a"
        " where d.datname = current_database() and a.grantee <> d.datdba",
    )
    by_grantee: dict[str | None, set[str]] = {}
    for grantee, privilege in grants:
        by_grantee.setdefault(grantee, set()).add(privilege.lower())
    for grantee in sorted_grantees(by_grantee):
        out.append(f"--   grant {', '.join(sorted(by_grantee[grantee]))} to {grantee_sql(grantee)}")
    if None not in by_grantee:
        out.append("--   nothing to public")
    return out


def render_schemas_and_types(conn: psycopg.Connection) -> list[str]:
    out = section("schemas, default privileges and types")
    for oid, name, owner in fetch_rows(
        conn,
        "select oid, nspname, pg_get_userbyid(nspowner) from pg_namespace where nspname = any(%s)"
        " order by array_position(%s, nspname::text)",
        (list(SCHEMAS), list(SCHEMAS)),
    ):
        out.append(f"-- schema {name}, owned by {owner}")
        grants = acl(conn, "schema", oid)
        for grantee in sorted_grantees(grants):
            out.append(
                f"grant {', '.join(sorted(p.lower() for p in grants[grantee]))} on schema {name} to {grantee_sql(grantee)};"
            )
    defaults: dict[tuple[str, str | None, str], list[tuple[str | None, str]]] = {}
    for role, schema, objtype, grantee, privilege in fetch_rows(
        conn,
        "select pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text,"
        " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type"
        " from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace"
        " cross join aclexplode(d.defaclacl) a where a.grantee <> d.defaclrole",
    ):
        defaults.setdefault((role, schema, objtype), []).append((grantee, privilege))
    for role, schema, objtype in fetch_rows(
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
                f"alter default privileges {target} grant {privilege.lower()} on {objects} to {grantee_sql(grantee)};"
            )
    for name, kind, labels, definition in fetch_rows(
        conn,
        "select format('%%I.%%I', n.nspname, t.typname), t.typtype::text,"
        " array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder),"
        " case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end"
        " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
        " where n.nspname = any(%s) and t.typtype in ('e', 'd') order by 1",
        (list(SCHEMAS),),
    ):
        if kind == "e":
            out.append(f"create type {name} as enum ({', '.join(literal(label) for label in labels)});")
        else:
            out.append(f"create domain {name} as {definition};")
    return out
