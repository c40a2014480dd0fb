"""Cascades: deleting a user or an organization leaves zero references; the last owner stays."""

from __future__ import annotations

import psycopg
import pytest

from backend.db.errors import LAST_OWNER, translate
from backend.errors import Conflict
from tests.integration.world import World


def _tenant_tables(admin: psycopg.Connection) -> list[str]:
    rows = admin.execute(
        "select table_name from information_schema.columns where table_schema = 'public'"
        " and column_name = 'organization_id' order by table_name"
    )
    return [r["table_name"] for r in rows]


def org_checksum(admin: psycopg.Connection, org_id) -> dict[str, str]:
    sums = {}
    for table in [*_tenant_tables(admin), "organizations"]:
        column = "id" if table == "organizations" else "organization_id"
        sums[table] = admin.execute(
            f"select md5(coalesce(string_agg(to_jsonb(t)::text, '|' order by to_jsonb(t)::text), '')) as s"
            f" from {table} t where {column} = %s",
            (org_id,),
        ).fetchone()["s"]
    return sums


def references_to(admin: psycopg.Connection, target: str, value) -> dict[str, int]:
    """Rows in any table whose foreign key column points at `target` row `value`."""
    columns = admin.execute(
        "select c.conrelid::regclass::text as tbl, a.attname as col from pg_constraint c"
        " join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)"
        " join pg_attribute r on r.attrelid = c.confrelid and r.attnum = any(c.confkey) and r.attname = 'id'"
        " where c.contype = 'f' and c.confrelid = %s::regclass"
        " and array_position(c.conkey, a.attnum) = array_position(c.confkey, r.attnum)",
        (target,),
    ).fetchall()
    assert columns, f"no foreign keys point at {target}"
    counts = {}
    for row in columns:
        n = admin.execute(
            f"select count(*) as n from {row['tbl']} where {row['col']} = %s", (value,)
        ).fetchone()["n"]
        counts[f"{row['tbl']}.{row['col']}"] = n
    return counts


def _refused(conn: psycopg.Connection, statement: str, params) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    conn.rollback()
    return caught.value


def test_the_last_owner_cannot_leave_be_demoted_or_be_deleted(connect_as, world: World) -> None:
    owner = world.a.users["owner"]
    conn = connect_as("app", owner)
    leave = _refused(
        conn,
        "delete from organization_members where organization_id = %s and user_id = %s",
        (world.a.id, owner),
    )
    conn.execute("select set_config('app.user_id', %s, true)", (str(owner),))
    demote = _refused(
        conn,
        "update organization_members set role = 'admin' where organization_id = %s and user_id = %s",
        (world.a.id, owner),
    )
    conn.execute("select set_config('app.user_id', %s, true)", (str(owner),))
    delete_self = _refused(conn, "delete from users where id = %s", (owner,))
    for error in (leave, demote, delete_self):
        assert error.sqlstate == LAST_OWNER
        mapped = translate(error)
        assert isinstance(mapped, Conflict) and "at least one owner" in mapped.detail


def test_ownership_can_be_transferred_first(connect_as, admin, world: World) -> None:
    owner, successor = world.a.users["owner"], world.a.users["admin"]
    conn = connect_as("app", owner)
    conn.execute(
        "update organization_members set role = 'owner' where organization_id = %s and user_id = %s",
        (world.a.id, successor),
    )
    conn.execute(
        "update organization_members set role = 'admin' where organization_id = %s and user_id = %s",
        (world.a.id, owner),
    )
    conn.commit()
    roles = admin.execute(
        "select user_id, role::text from organization_members where organization_id = %s and role = 'owner'",
        (world.a.id,),
    ).fetchall()
    assert [r["user_id"] for r in roles] == [successor]


def test_deleting_a_user_leaves_no_reference_and_other_orgs_untouched(
    connect_as, admin, world: World
) -> None:
    member = world.a.users["member"]  # creator of projects, conversations, messages, queries, usage
    admin.execute(
        "insert into sessions (jti, user_id, expires_at) values (gen_random_uuid(), %s, now() + interval '1 day')",
        (member,),
    )
    admin.execute(
        "insert into user_api_keys (user_id, key_ciphertext, key_last4) values (%s, 'c', 'abcd')", (member,)
    )
    before_b = org_checksum(admin, world.b.id)
    assert sum(references_to(admin, "users", member).values()) > 5
    conn = connect_as("app", member)
    conn.execute("select app.delete_account()")
    conn.commit()
    assert references_to(admin, "users", member) == dict.fromkeys(references_to(admin, "users", member), 0)
    assert org_checksum(admin, world.b.id) == before_b
    assert admin.execute("select app.verify_audit_chain(%s) as b", (world.a.id,)).fetchone()["b"] is None


def test_deleting_the_connecting_user_removes_their_integrations(admin, world: World) -> None:
    integrator = world.a.users["admin"]  # connected the integration; an owner since the transfer
    admin.execute(
        "update organization_members set role = 'owner' where organization_id = %s and user_id = %s",
        (world.a.id, world.a.users["owner"]),
    )
    admin.execute("delete from users where id = %s", (integrator,))
    left = admin.execute("select count(*) as n from repositories where organization_id = %s", (world.a.id,))
    assert left.fetchone()["n"] == 0
    assert sum(references_to(admin, "users", integrator).values()) == 0


def test_deleting_an_organization_removes_everything_of_it_and_nothing_else(
    connect_as, admin, world: World
) -> None:
    before_b = org_checksum(admin, world.b.id)
    viewer = connect_as("app", world.a.users["viewer"])
    assert viewer.execute("delete from organizations where id = %s", (world.a.id,)).rowcount == 0
    viewer.commit()
    conn = connect_as("app", world.a.users["owner"])
    assert conn.execute("delete from organizations where id = %s", (world.a.id,)).rowcount == 1
    conn.commit()
    leftovers = {
        table: admin.execute(
            f"select count(*) as n from {table} where organization_id = %s", (world.a.id,)
        ).fetchone()["n"]
        for table in _tenant_tables(admin)
    }
    assert leftovers == dict.fromkeys(leftovers, 0)
    assert sum(references_to(admin, "organizations", world.a.id).values()) == 0
    assert org_checksum(admin, world.b.id) == before_b
    assert admin.execute("select app.verify_audit_chain(%s) as b", (world.b.id,)).fetchone()["b"] is None
    record = admin.execute(
        "select actor_id, old_values->>'name' as name from audit_logs where organization_id is null"
        " and table_name = 'organizations' and row_id = %s",
        (str(world.a.id),),
    ).fetchone()
    assert record == {"actor_id": world.a.users["owner"], "name": "Org A"}
