"""The privacy flag of sql/0006 always follows the project: it cannot be forged or go stale."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.integration.world import World

CONTENT_TABLES = ("conversations", "tasks", "messages")


def visible_to(connect_as, user_id, table: str, row_id) -> bool:
    conn = connect_as("app", user_id)
    return conn.execute(f"select 1 from {table} where id = %s", (row_id,)).fetchone() is not None


def flag_of(admin: psycopg.Connection, table: str, row_id) -> bool:
    row = admin.execute(f"select in_private_project from {table} where id = %s", (row_id,)).fetchone()
    return row["in_private_project"]


def test_the_app_cannot_forge_or_update_the_flag(admin, connect_as, world: World) -> None:
    org = world.a
    project = org.rows["projects:private"]["id"]
    conversation = org.rows["conversations:private"]["id"]
    member = connect_as("app", org.users["member"])
    forged = member.execute(
        "insert into messages (organization_id, project_id, conversation_id, role, content, created_by,"
        " in_private_project) values (%s, %s, %s, 'user', 'forged', %s, false) returning id",
        (org.id, project, conversation, org.users["member"]),
    ).fetchone()["id"]
    member.commit()
    assert flag_of(admin, "messages", forged) is True
    assert not visible_to(connect_as, org.users["viewer"], "messages", forged)
    for table in CONTENT_TABLES:
        with pytest.raises(errors.InsufficientPrivilege):
            connect_as("app", org.users["member"]).execute(f"update {table} set in_private_project = false")


def test_flipping_a_project_private_hides_its_contents_and_back(admin, connect_as, world: World) -> None:
    org = world.b
    project = org.rows["projects:shared"]["id"]
    rows = {table: org.rows[f"{table}:shared"]["id"] for table in CONTENT_TABLES}
    viewer = org.users["viewer"]
    for table, row_id in rows.items():
        assert visible_to(connect_as, viewer, table, row_id) and flag_of(admin, table, row_id) is False

    creator = connect_as("app", org.users["member"])
    creator.execute("update projects set visibility = 'private' where id = %s", (project,))
    creator.commit()
    for table, row_id in rows.items():
        assert flag_of(admin, table, row_id) is True
        assert not visible_to(connect_as, viewer, table, row_id)
        assert visible_to(connect_as, org.users["member"], table, row_id)
        assert visible_to(connect_as, org.users["admin"], table, row_id)

    creator = connect_as("app", org.users["member"])
    creator.execute("update projects set visibility = 'shared' where id = %s", (project,))
    creator.commit()
    for table, row_id in rows.items():
        assert flag_of(admin, table, row_id) is False
        assert visible_to(connect_as, viewer, table, row_id)
