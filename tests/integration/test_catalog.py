"""Catalog invariants: RLS + FORCE everywhere, a least-privileged app role, pinned SECURITY DEFINERs."""

from __future__ import annotations

import psycopg

APP_SCHEMAS = ("public", "app")
DEFINER_ALLOWLIST = {
    "user_org_ids",
    "org_ids_with_role",
    "has_org_role",
    "hidden_project_ids",
    "peer_user_ids",
    "audit_row",
    "audit_logs_immutable",
    "verify_audit_chain",
    "guard_last_owner",
    "lock_organization_ownership",
    "api_tokens_cap",
    "signup",
    "create_organization",
    "accept_invitation",
    "delete_account",
    "privacy_from_project",
    "project_privacy_to_contents",
    "visibility_keys",
}


def test_every_table_in_the_app_schemas_has_rls_enabled_and_forced(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select n.nspname || '.' || c.relname as name, c.relrowsecurity, c.relforcerowsecurity"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and n.nspname = any(%s)",
        (list(APP_SCHEMAS),),
    ).fetchall()
    assert len(rows) >= 20
    missing = [r["name"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])]
    assert missing == []


def test_app_role_has_no_bypass_truncate_references_or_trigger_and_owns_nothing(
    admin: psycopg.Connection,
) -> None:
    role = admin.execute("select rolsuper, rolbypassrls from pg_roles where rolname = 'skopx_app'").fetchone()
    assert role == {"rolsuper": False, "rolbypassrls": False}
    grants = admin.execute(
        "select table_name, privilege_type from information_schema.role_table_grants"
        " where grantee in ('skopx_app', 'skopx_service', 'PUBLIC')"
        " and privilege_type in ('TRUNCATE', 'REFERENCES', 'TRIGGER')"
    ).fetchall()
    assert grants == []
    owned = admin.execute(
        "select count(*) as n from pg_class c join pg_roles r on r.oid = c.relowner"
        " where r.rolname in ('skopx_app', 'skopx_service')"
    ).fetchone()
    assert owned == {"n": 0}
    owned_functions = admin.execute(
        "select count(*) as n from pg_proc p join pg_roles r on r.oid = p.proowner"
        " where r.rolname in ('skopx_app', 'skopx_service')"
    ).fetchone()
    assert owned_functions == {"n": 0}


def test_app_role_cannot_touch_api_keys_or_stripe_events(admin: psycopg.Connection) -> None:
    for table in ("user_api_keys", "stripe_events", "app.audit_chain_heads"):
        for privilege in ("select", "insert", "update", "delete"):
            row = admin.execute("select has_table_privilege('skopx_app', %s, %s) as ok", (table, privilege))
            assert row.fetchone() == {"ok": False}, (table, privilege)


def test_every_security_definer_function_is_allowlisted_with_a_pinned_search_path(
    admin: psycopg.Connection,
) -> None:
    rows = admin.execute(
        "select p.proname, p.proconfig, r.rolname as owner from pg_proc p"
        " join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner"
        " where p.prosecdef and n.nspname = any(%s)",
        (list(APP_SCHEMAS),),
    ).fetchall()
    assert {r["proname"] for r in rows} == DEFINER_ALLOWLIST
    for row in rows:
        assert 'search_path=""' in (row["proconfig"] or []) or 'search_path=""' in str(row["proconfig"]), row
        assert row["owner"] == "skopx_definer", row


def test_every_function_in_app_pins_its_search_path(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select p.proname, p.proconfig from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = 'app'"
    ).fetchall()
    unpinned = [
        r["proname"] for r in rows if not any(c.startswith("search_path=") for c in r["proconfig"] or [])
    ]
    assert unpinned == []


def test_no_function_is_executable_by_public(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = 'app' and has_function_privilege('public', p.oid, 'execute')"
    ).fetchall()
    assert rows == []


def test_every_view_is_security_invoker(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('v', 'm') and n.nspname = any(%s)",
        (list(APP_SCHEMAS),),
    ).fetchall()
    assert [r["relname"] for r in rows if "security_invoker=true" not in (r["reloptions"] or [])] == []


def test_every_policy_names_a_role_and_tenant_indexes_lead_with_organization_id(
    admin: psycopg.Connection,
) -> None:
    public = admin.execute("select policyname from pg_policies where 'public' = any(roles)").fetchall()
    assert public == []
    keys = admin.execute(
        "select c.relname, a.attname from pg_index i join pg_class c on c.oid = i.indrelid"
        " join pg_namespace n on n.oid = c.relnamespace"
        " join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]"
        " where i.indisprimary and n.nspname = 'public' and exists (select 1 from pg_attribute o"
        "  where o.attrelid = c.oid and o.attname = 'organization_id' and not o.attisdropped)"
        " and c.relname not in ('stripe_events', 'audit_logs')"
    ).fetchall()
    assert keys and all(k["attname"] == "organization_id" for k in keys), keys
