"""FK/unique oracles give nothing away across tenants, and every violation becomes a clear sentence."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors

from backend.db.errors import NOT_FOUND, translate
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from tests.integration.world import World


def _error(conn: psycopg.Connection, statement: str, params: list) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    conn.rollback()
    return caught.value


def _conversation_into(conn: psycopg.Connection, world: World, project_id: uuid.UUID) -> psycopg.Error:
    member = world.a.users["member"]
    conn.execute("select set_config('app.user_id', %s, true)", (str(member),))
    return _error(
        conn,
        "insert into conversations (organization_id, project_id, created_by) values (%s, %s, %s)",
        [world.a.id, project_id, member],
    )


def test_referencing_another_orgs_project_fails_exactly_like_a_missing_one(connect_as, world: World) -> None:
    conn = connect_as("app")
    foreign = world.b.rows["projects:shared"]["id"]
    missing = uuid.uuid4()
    a, b = _conversation_into(conn, world, foreign), _conversation_into(conn, world, missing)
    assert type(a) is type(b) is errors.ForeignKeyViolation
    assert str(a).replace(str(foreign), "?") == str(b).replace(str(missing), "?")
    assert translate(a).detail == translate(b).detail == NOT_FOUND
    assert isinstance(translate(a), NotFound)


def test_claiming_another_orgs_row_is_refused_before_any_key_is_checked(connect_as, world: World) -> None:
    conn = connect_as("app")
    member = world.a.users["member"]
    conn.execute("select set_config('app.user_id', %s, true)", (str(member),))
    statement = "insert into conversations (organization_id, project_id, created_by) values (%s, %s, %s)"
    existing = _error(conn, statement, [world.b.id, world.b.rows["projects:shared"]["id"], member])
    conn.execute("select set_config('app.user_id', %s, true)", (str(member),))
    missing = _error(conn, statement, [world.b.id, uuid.uuid4(), member])
    assert type(existing) is type(missing) is errors.InsufficientPrivilege
    assert str(existing) == str(missing)
    assert isinstance(translate(existing), Forbidden)


INSERT_INTO_A = {
    "projects": "insert into projects (organization_id, id, name, created_by)"
    " values (%s, %s, 'p', app.current_user_id())",
    "database_connections": "insert into database_connections (organization_id, name, config_ciphertext,"
    " created_by) values (%s, %s, 'c', app.current_user_id())",
}
# Inserting a value into A twice: stored the first time, a duplicate within A the second.
STORED_THEN_DUPLICATE = {
    "projects": ["stored", "UniqueViolation on projects_pkey"],
    "database_connections": ["stored", "UniqueViolation on database_connections_name_key"],
}


def _outcome(conn: psycopg.Connection, statement: str, params: tuple) -> str:
    """'stored', or the error the statement met (then undone back to a savepoint)."""
    try:
        with conn.transaction():
            conn.execute(statement, params)
    except psycopg.Error as error:
        return f"{type(error).__name__} on {error.diag.constraint_name}"
    return "stored"


def _rows_of(admin: psycopg.Connection, org_id: uuid.UUID) -> dict[str, list[dict]]:
    select = "select * from {} where organization_id = %s order by id"
    return {table: admin.execute(select.format(table), (org_id,)).fetchall() for table in INSERT_INTO_A}


def test_reusing_another_orgs_ids_and_names_behaves_like_fresh_ones(connect_as, admin, world: World) -> None:
    b_only_name = f"warehouse-b-{uuid.uuid4().hex[:8]}"  # every organization already has a "warehouse"
    cases = {  # (table, column, value): taken in B, or fresh
        "B's project id": ("projects", "id", world.b.rows["projects:shared"]["id"]),
        "a fresh project id": ("projects", "id", uuid.uuid4()),
        "B's connection name": ("database_connections", "name", b_only_name),
        "a fresh connection name": ("database_connections", "name", f"warehouse-{uuid.uuid4().hex[:8]}"),
    }
    try:
        admin.execute(
            "insert into database_connections (organization_id, name, config_ciphertext, created_by)"
            " values (%s, %s, 'c', %s)",
            (world.b.id, b_only_name, world.b.users["admin"]),
        )
        b_before = _rows_of(admin, world.b.id)
        conn = connect_as("app", world.a.users["admin"])
        outcomes = {
            case: [_outcome(conn, INSERT_INTO_A[table], (world.a.id, value)) for _ in range(2)]
            for case, (table, _, value) in cases.items()
        }
        conn.commit()
        for case, (table, column, value) in cases.items():
            assert outcomes[case] == STORED_THEN_DUPLICATE[table], case
            holders = admin.execute(f"select organization_id from {table} where {column} = %s", (value,))
            expected = {world.a.id, world.b.id} if case.startswith("B's") else {world.a.id}
            assert {row["organization_id"] for row in holders.fetchall()} == expected, case
        assert _rows_of(admin, world.b.id) == b_before, "no row of the other organization was touched"
    finally:
        for table, column, value in cases.values():
            admin.execute(
                f"delete from {table} where organization_id = %s and {column} = %s", (world.a.id, value)
            )
        admin.execute(
            "delete from database_connections where organization_id = %s and name = %s",
            (world.b.id, b_only_name),
        )


def test_a_duplicate_within_the_org_is_a_conflict_with_a_sentence(connect_as, world: World) -> None:
    conn = connect_as("app")
    conn.execute("select set_config('app.user_id', %s, true)", (str(world.a.users["admin"]),))
    error = _error(
        conn,
        "insert into database_connections (organization_id, name, config_ciphertext, created_by)"
        " values (%s, 'warehouse', 'c', %s)",
        [world.a.id, world.a.users["admin"]],
    )
    mapped = translate(error)
    assert isinstance(mapped, Conflict)
    assert mapped.detail == "A database connection with this name already exists."
    assert mapped.field == "name"


def test_check_and_not_null_violations_become_field_sentences(connect_as, world: World) -> None:
    conn = connect_as("app")
    member = world.a.users["member"]
    conn.execute("select set_config('app.user_id', %s, true)", (str(member),))
    bad_visibility = _error(
        conn,
        "insert into projects (organization_id, name, visibility, created_by) values (%s, 'p', 'public', %s)",
        [world.a.id, member],
    )
    assert (translate(bad_visibility).field, translate(bad_visibility).detail) == (
        "visibility",
        "A project is either shared or private.",
    )
    conn.execute("select set_config('app.user_id', %s, true)", (str(member),))
    no_name = _error(
        conn,
        "insert into projects (organization_id, name, created_by) values (%s, null, %s)",
        [world.a.id, member],
    )
    assert isinstance(translate(no_name), Invalid) and translate(no_name).field == "name"


def test_no_sentence_carries_database_text(connect_as, world: World) -> None:
    conn = connect_as("app")
    conn.execute("select set_config('app.user_id', %s, true)", (str(world.a.users["viewer"]),))
    denied = _error(
        conn,
        "insert into projects (organization_id, name, created_by) values (%s, 'p', %s)",
        [world.a.id, world.a.users["viewer"]],
    )
    detail = translate(denied, forbidden="You don't have permission to create projects here.").detail
    assert detail == "You don't have permission to create projects here."
    assert "policy" not in detail and "projects" not in translate(denied).detail


def test_unexpected_errors_are_not_disguised(connect_as) -> None:
    conn = connect_as("app")
    error = _error(conn, "select nope from nowhere", [])
    assert translate(error) is None
