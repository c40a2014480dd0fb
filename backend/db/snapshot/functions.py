"""The snapshot's app.* functions: a summary line each, then their definitions, owners and grants."""

from __future__ import annotations

import psycopg

from backend.db.snapshot.catalog import SCHEMAS, acl, fetch_rows, grantee_sql, section, sorted_grantees


def render_functions(conn: psycopg.Connection) -> list[str]:
    functions = fetch_rows(
        conn,
        "select p.oid, format('%%I.%%I(%%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),"
        " pg_get_userbyid(p.proowner), p.prosecdef, p.provolatile::text, p.proacl is null,"
        " pg_get_functiondef(p.oid)"
        " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = any(%s) and p.prokind in ('f', 'p')"
        " order by array_position(%s, n.nspname::text), p.proname, 2",
        (list(SCHEMAS), list(SCHEMAS)),
    )
    out = section("functions")
    out.append("-- signature | owner | security | volatility | executable by (besides the owner)")
    volatility = {"i": "immutable", "s": "stable", "v": "volatile"}
    executors: dict[int, str] = {}
    for oid, signature, owner, definer, volatile, default_acl, _ in functions:
        if default_acl:
            executors[oid] = "public (default privileges)"
        else:
            grants = acl(conn, "function", oid)
            executors[oid] = ", ".join(grantee_sql(g) for g in sorted_grantees(grants)) or "nobody"
        security = "definer" if definer else "invoker"
        out.append(f"--   {signature} | {owner} | {security} | {volatility[volatile]} | {executors[oid]}")
    for oid, signature, owner, _, _, default_acl, definition in functions:
        out.append("")
        out.append(definition.rstrip("\n") + ";")
        out.append(f"alter function {signature} owner to {owner};")
        if not default_acl:
            out.append(f"revoke all on function {signature} from public;")
            grants = acl(conn, "function", oid)
            for grantee in sorted_grantees(grants):
                out.append(f"grant execute on function {signature} to {grantee_sql(grantee)};")
    return out
