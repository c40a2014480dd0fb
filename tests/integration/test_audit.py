"""Audit: trigger-written rows with actor/old/new, redacted secrets, immutability and tamper detection."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from backend.db.errors import translate
from backend.errors import Forbidden
from tests.integration.world import World

SECRETS = ("secret-token", "v2:t:cfg", "v2:t:secret-token")


def _audit(admin: psycopg.Connection, org_id, table: str) -> list[dict]:
    return admin.execute(
        "select * from audit_logs where organization_id = %s and table_name = %s order by seq",
        (org_id, table),
    ).fetchall()


def test_direct_writes_to_the_audit_log_are_refused_for_the_app(connect_as, world: World) -> None:
    conn = connect_as("app", world.a.users["owner"])
    for statement in (
        "update audit_logs set action = 'delete'",
        "delete from audit_logs",
        "insert into audit_logs (seq, action, table_name, prev_hash, hash) values (1, 'insert', 'x', '', '')",
        "truncate audit_logs",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()


@pytest.mark.parametrize(
    "statement",
    ["update audit_logs set action = 'delete'", "delete from audit_logs", "truncate audit_logs"],
)
def test_audit_rows_are_immutable_even_for_the_superuser(admin, statement: str) -> None:
    with pytest.raises(psycopg.Error) as caught, admin.transaction():
        admin.execute(statement)
    assert caught.value.sqlstate == "SX002"
    assert isinstance(translate(caught.value), Forbidden)
    assert translate(caught.value).detail == "Audit log entries cannot be changed or deleted."


def test_the_table_owner_changes_nothing_either(admin) -> None:
    """FORCE RLS hides every row from skopx_owner (no policy names it); TRUNCATE hits the trigger."""
    before = admin.execute("select count(*) as n, max(hash) as h from audit_logs").fetchone()
    with admin.transaction():
        admin.execute("set local role skopx_owner")
        assert admin.execute("update audit_logs set action = 'delete'").rowcount == 0
        assert admin.execute("delete from audit_logs").rowcount == 0
    with pytest.raises(psycopg.Error) as caught, admin.transaction():
        admin.execute("set local role skopx_owner")
        admin.execute("truncate audit_logs")
    assert caught.value.sqlstate == "SX002"
    assert admin.execute("select count(*) as n, max(hash) as h from audit_logs").fetchone() == before


def test_a_change_is_recorded_with_actor_old_and_new_values(connect_as, admin, world: World) -> None:
    actor = world.a.users["admin"]
    conn = connect_as("app", actor)
    project = world.a.rows["projects:shared"]
    conn.execute(
        "update projects set name = 'Renamed' where organization_id = %s and id = %s",
        (world.a.id, project["id"]),
    )
    conn.commit()
    entry = _audit(admin, world.a.id, "projects")[-1]
    assert (entry["action"], entry["actor_id"], entry["row_id"]) == ("update", actor, str(project["id"]))
    assert entry["old_values"]["name"] == "P shared" and entry["new_values"]["name"] == "Renamed"
    assert app_visible_audit(connect_as, world.a.users["admin"], world.a.id) > 0
    assert app_visible_audit(connect_as, world.a.users["member"], world.a.id) == 0


def app_visible_audit(connect_as, user_id, org_id) -> int:
    conn = connect_as("app", user_id)
    return conn.execute(
        "select count(*) as n from audit_logs where organization_id = %s", (org_id,)
    ).fetchone()["n"]


def test_secrets_are_redacted_in_every_audit_row(admin, world: World) -> None:
    rows = admin.execute("select old_values, new_values from audit_logs").fetchall()
    values = [v for r in rows for v in (r["old_values"], r["new_values"]) if v]
    dump = " ".join(str(v) for v in values)
    assert "[redacted]" in dump
    assert not any(secret in dump for secret in SECRETS)
    secret_keys = {"password_hash", "token_hash", "token_ciphertext", "config_ciphertext", "key_ciphertext"}
    assert all(v[k] == "[redacted]" for v in values for k in secret_keys & v.keys())
    row = _audit(admin, world.a.id, "integrations")[0]
    assert row["new_values"]["token_ciphertext"] == "[redacted]"
    assert _audit(admin, world.a.id, "invitations")[0]["new_values"]["token_hash"] == "[redacted]"


def test_the_chain_verifies_and_only_admins_may_ask(connect_as, world: World) -> None:
    conn = connect_as("app", world.a.users["admin"])
    assert (
        conn.execute("select app.verify_audit_chain(%s) as broken", (world.a.id,)).fetchone()["broken"]
        is None
    )
    viewer = connect_as("app", world.a.users["viewer"])
    with pytest.raises(errors.InsufficientPrivilege):
        viewer.execute("select app.verify_audit_chain(%s)", (world.a.id,))


def _tamper(admin: psycopg.Connection, statement: str, params) -> None:
    """What only a superuser can do: bypass the immutability trigger."""
    with admin.transaction():
        admin.execute("set local session_replication_role = replica")
        admin.execute(statement, params)


def test_tampering_is_detected_at_the_first_broken_row(admin, world: World) -> None:
    org = world.b.id
    assert admin.execute("select app.verify_audit_chain(%s) as b", (org,)).fetchone()["b"] is None
    rows = admin.execute(
        "select id from audit_logs where organization_id = %s order by seq", (org,)
    ).fetchall()
    target = rows[3]["id"]
    _tamper(admin, "update audit_logs set actor_id = null where id = %s", (target,))
    assert admin.execute("select app.verify_audit_chain(%s) as b", (org,)).fetchone()["b"] == target
    other = admin.execute("select app.verify_audit_chain(%s) as b", (world.a.id,)).fetchone()["b"]
    assert other is None


def test_deleted_rows_are_detected_in_the_middle_and_at_the_end(admin, world: World) -> None:
    org = world.c
    admin.execute("select set_config('app.user_id', %s, false)", (str(world.outsider),))
    for name in ("one", "two", "three"):
        admin.execute("insert into projects (organization_id, name) values (%s, %s)", (org, name))
    rows = admin.execute(
        "select id from audit_logs where organization_id = %s order by seq", (org,)
    ).fetchall()
    assert len(rows) >= 5
    _tamper(admin, "delete from audit_logs where id = %s", (rows[-1]["id"],))
    assert admin.execute("select app.verify_audit_chain(%s) as b", (org,)).fetchone()["b"] == 0
    _tamper(admin, "delete from audit_logs where id = %s", (rows[0]["id"],))
    assert admin.execute("select app.verify_audit_chain(%s) as b", (org,)).fetchone()["b"] == rows[1]["id"]
