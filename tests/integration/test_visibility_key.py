"""The read key of sql/0007: derived from the row, never writable, and not forgeable by choosing project ids."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors

from tests.integration.world import PROJECT_VARIANTS, World

CONTENT_TABLES = ("conversations", "tasks", "messages")
GENERATED = {**dict.fromkeys(CONTENT_TABLES, "visibility_key"), "projects": "private_project_key"}


def count_in(conn, table: str, org_id) -> int:
    return conn.execute(
        f"select count(*) as n from {table} where organization_id = %s", (org_id,)
    ).fetchone()["n"]


def test_nobody_can_write_the_key(admin, connect_as, world: World) -> None:
    org = world.a
    member = connect_as("app", org.users["member"])
    with pytest.raises(errors.GeneratedAlways):
        member.execute(
            "insert into conversations (organization_id, project_id, title, created_by, visibility_key)"
            " values (%s, %s, 'forged', %s, %s)",
            (org.id, org.rows["projects:private"]["id"], org.users["member"], org.id),
        )
    for table, column in GENERATED.items():
        with pytest.raises(errors.GeneratedAlways):
            connect_as("app", org.users["member"]).execute(f"update {table} set {column} = %s", (org.id,))
        with pytest.raises(errors.GeneratedAlways):  # not even the table owner
            admin.execute(f"update {table} set {column} = organization_id")


def test_naming_a_private_project_after_another_organizations_ids_reveals_none_of_its_rows(
    connect_as, world: World
) -> None:
    victim, attacker_org = world.a, world.b
    attacker = attacker_org.users["member"]
    forged_ids = [
        victim.id,
        victim.rows["projects:shared"]["id"],
        victim.rows["projects:admin_private"]["id"],
    ]
    conn = connect_as("app", attacker)
    for forged in forged_ids:
        conn.execute(
            "insert into projects (organization_id, id, name, visibility, created_by)"
            " values (%s, %s, %s, 'private', %s)",
            (attacker_org.id, forged, f"Named {forged}", attacker),
        )
    conn.commit()

    attacker_view = connect_as("app", attacker)
    mine = attacker_view.execute(
        "select count(*) as n from projects where organization_id = %s and id = any(%s)",
        (attacker_org.id, forged_ids),
    ).fetchone()["n"]
    assert mine == len(forged_ids)  # the forged projects exist and are the attacker's own
    for table in CONTENT_TABLES:
        assert count_in(attacker_view, table, victim.id) == 0, table
        assert count_in(connect_as("app", victim.users["member"]), table, victim.id) > 0, table


def test_the_key_is_the_organization_or_the_hash_of_organization_and_private_project(
    admin, world: World
) -> None:
    org = world.a
    for table in CONTENT_TABLES:
        rows = admin.execute(
            f"select project_id, in_private_project, visibility_key,"
            f" app.private_project_key(organization_id, project_id) as private_key"
            f" from {table} where organization_id = %s",
            (org.id,),
        ).fetchall()
        assert {r["in_private_project"] for r in rows} == {True, False}, table
        for row in rows:
            expected = row["private_key"] if row["in_private_project"] else org.id
            assert row["visibility_key"] == expected, (table, row)
            assert row["private_key"] not in (org.id, row["project_id"])


def test_projects_store_the_key_their_rows_carry_while_private(admin, world: World) -> None:
    rows = admin.execute(
        "select organization_id, id, private_project_key from projects where organization_id = %s",
        (world.a.id,),
    ).fetchall()
    assert len(rows) == len(PROJECT_VARIANTS)
    for row in rows:
        expected = admin.execute(
            "select app.private_project_key(%s, %s) as key", (row["organization_id"], row["id"])
        ).fetchone()["key"]
        assert row["private_project_key"] == expected


def test_the_same_project_id_in_two_organizations_gets_two_keys(admin) -> None:
    project = uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    keys = admin.execute(
        "select app.private_project_key(%s, %s) as a, app.private_project_key(%s, %s) as b",
        (first, project, second, project),
    ).fetchone()
    assert keys["a"] != keys["b"]
