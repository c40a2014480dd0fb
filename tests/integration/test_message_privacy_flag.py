"""The message privacy flag of sql/0006 always follows the project: it cannot be forged or go stale."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.integration.world import World


def visible_to(connect_as, user_id, message_id) -> bool:
    conn = connect_as("app", user_id)
    return conn.execute("select 1 from messages where id = %s", (message_id,)).fetchone() is not None


def flag_of(admin: psycopg.Connection, message_id) -> bool:
    return admin.execute("select in_private_project from messages where id = %s", (message_id,)).fetchone()[
        "in_private_project"
    ]


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
    assert flag_of(admin, forged) is True
    assert not visible_to(connect_as, org.users["viewer"], forged)
    with pytest.raises(errors.InsufficientPrivilege):
        member.execute("update messages set in_private_project = false where id = %s", (forged,))


def test_flipping_a_project_private_hides_its_messages_and_back(admin, connect_as, world: World) -> None:
    org = world.b
    message = org.rows["messages:shared"]["id"]
    project = org.rows["projects:shared"]["id"]
    viewer = org.users["viewer"]
    assert visible_to(connect_as, viewer, message) and flag_of(admin, message) is False

    creator = connect_as("app", org.users["member"])
    creator.execute("update projects set visibility = 'private' where id = %s", (project,))
    creator.commit()
    assert flag_of(admin, message) is True
    assert not visible_to(connect_as, viewer, message)
    assert visible_to(connect_as, org.users["member"], message)
    assert visible_to(connect_as, org.users["admin"], message)

    creator = connect_as("app", org.users["member"])
    creator.execute("update projects set visibility = 'shared' where id = %s", (project,))
    creator.commit()
    assert flag_of(admin, message) is False
    assert visible_to(connect_as, viewer, message)
