"""Invariants that must hold when two transactions race (sql/0008): an organization keeps an owner, a row
added to a project while it turns private ends up private (or is refused), and an invitation is honoured
only while its inviter may still send it.

Each race is made deterministic: one transaction does its write and stays open, the other starts in a
thread, and the first commits only once the second has finished or is waiting on a lock.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from backend.db.errors import translate
from backend.errors import Conflict, Forbidden, NotFound
from tests.integration.factories import insert, new_org

CONTENT_TABLES = ("conversations", "tasks", "messages")


# ------------------------------------------------------------------ helpers
class InThread(threading.Thread):
    """Runs `work` once, keeping its result or the exception it raised."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:
            self.error = error

    def outcome(self) -> Any:
        self.join(timeout=20)
        assert not self.is_alive(), "the concurrent transaction never finished"
        if self.error is not None:
            raise self.error
        return self.result


def start_and_let_it_block(admin: psycopg.Connection, conn: psycopg.Connection, work) -> InThread:
    """Start `work` (which uses `conn`) in a thread; return once it has finished or waits on a lock."""
    pid = conn.info.backend_pid
    thread = InThread(work)
    thread.start()
    deadline = time.monotonic() + 10
    while thread.is_alive():
        waiting = admin.execute(
            "select wait_event_type from pg_stat_activity where pid = %s", (pid,)
        ).fetchone()
        if waiting and waiting["wait_event_type"] == "Lock":
            break
        assert time.monotonic() < deadline, "the concurrent transaction neither finished nor waited on a lock"
        time.sleep(0.01)
    return thread


def owners_of(admin: psycopg.Connection, org: uuid.UUID) -> list[uuid.UUID]:
    rows = admin.execute(
        "select user_id from organization_members where organization_id = %s and role = 'owner'", (org,)
    ).fetchall()
    return [r["user_id"] for r in rows]


# ------------------------------------------------------------------ 1. the last owner, under concurrency
@pytest.fixture(params=["as shipped", "without the membership audit trigger"])
def membership_audit(request: pytest.FixtureRequest, admin: psycopg.Connection) -> Iterator[None]:
    """The audit trigger's chain lock happens to serialize membership changes of one organization; the
    second variant switches it off to show that the owner guard holds the invariant on its own."""
    admin.execute("set lock_timeout = '10s'")
    if request.param != "as shipped":
        admin.execute("alter table organization_members disable trigger organization_members_audit")
    try:
        yield
    finally:
        admin.execute("alter table organization_members enable trigger organization_members_audit")


@pytest.mark.parametrize(
    "change",
    [
        "update organization_members set role = 'member' where organization_id = %s and user_id = %s",
        "delete from organization_members where organization_id = %s and user_id = %s",
    ],
    ids=["demote", "remove"],
)
def test_two_owners_demoting_or_removing_each_other_at_once_leave_exactly_one_owner(
    admin, connect_as, membership_audit, change: str
) -> None:
    org, users = new_org(admin, first="owner", second="owner")
    first = connect_as("app", users["first"])
    second = connect_as("app", users["second"])

    assert first.execute(change, (org, users["second"])).rowcount == 1

    def second_acts() -> None:
        try:
            second.execute(change, (org, users["first"]))
            second.commit()
        except psycopg.Error:
            second.rollback()
            raise

    racing = start_and_let_it_block(admin, second, second_acts)
    first.commit()
    with pytest.raises(psycopg.Error) as refused:
        racing.outcome()

    assert refused.value.sqlstate == "SX001"
    assert isinstance(translate(refused.value), Conflict)
    assert owners_of(admin, org) == [users["first"]]


# ------------------------------------------------------------------ 2. privacy of rows added during a flip
@pytest.fixture
def shared_project(admin) -> dict[str, Any]:
    org, users = new_org(admin, owner="owner", creator="member", viewer="viewer")
    project = insert(
        admin,
        "projects",
        organization_id=org,
        name="Racing",
        visibility="shared",
        created_by=users["creator"],
    )["id"]
    conversation = insert(
        admin, "conversations", organization_id=org, project_id=project, created_by=users["creator"]
    )["id"]
    return {"org": org, "users": users, "project": project, "conversation": conversation}


def insert_content(
    conn: psycopg.Connection, table: str, world: dict[str, Any], *, returning: bool
) -> uuid.UUID:
    """Add a row as the services do (`returning`) or without reading it back; returns its id."""
    row_id = uuid.uuid4()
    values = {
        "organization_id": world["org"],
        "project_id": world["project"],
        "id": row_id,
        "created_by": world["users"]["creator"],
        **{
            "conversations": {"title": "Added during the flip"},
            "tasks": {"title": "Added during the flip"},
            "messages": {
                "conversation_id": world["conversation"],
                "role": "user",
                "content": "during the flip",
            },
        }[table],
    }
    columns, marks = ", ".join(values), ", ".join(["%s"] * len(values))
    statement = f"insert into {table} ({columns}) values ({marks})" + (" returning id" if returning else "")
    conn.execute(statement, list(values.values()))
    return row_id


def make_private(conn: psycopg.Connection, project: uuid.UUID) -> None:
    assert conn.execute("update projects set visibility = 'private' where id = %s", (project,)).rowcount == 1


def assert_private(admin, connect_as, world: dict[str, Any], table: str, row_id: uuid.UUID) -> None:
    flag = admin.execute(f"select in_private_project from {table} where id = %s", (row_id,)).fetchone()
    assert flag == {"in_private_project": True}
    for who, sees in (("viewer", False), ("creator", True), ("owner", True)):
        conn = connect_as("app", world["users"][who])
        found = conn.execute(f"select 1 from {table} where id = %s", (row_id,)).fetchone()
        assert (found is not None) is sees, (who, table)


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_a_row_added_while_its_project_turns_private_waits_for_the_flip_and_ends_up_private(
    admin, connect_as, shared_project, table: str
) -> None:
    world = shared_project
    flip = connect_as("app", world["users"]["creator"])
    make_private(flip, world["project"])
    adder = connect_as("app", world["users"]["creator"])

    def add() -> uuid.UUID:
        row_id = insert_content(adder, table, world, returning=False)
        adder.commit()
        return row_id

    racing = start_and_let_it_block(admin, adder, add)
    flip.commit()
    row_id = racing.outcome()

    assert_private(admin, connect_as, world, table, row_id)


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_a_row_added_and_read_back_while_its_project_turns_private_is_refused_and_not_stored(
    admin, connect_as, shared_project, table: str
) -> None:
    """RETURNING makes the new row pass the read policy too, judged on the statement's snapshot, taken
    before the flip committed: the now private row is not readable there, so the insert is refused."""
    world = shared_project
    flip = connect_as("app", world["users"]["creator"])
    make_private(flip, world["project"])
    adder = connect_as("app", world["users"]["creator"])
    count = f"select count(*) as n from {table} where project_id = %s"
    before = admin.execute(count, (world["project"],)).fetchone()

    def add() -> None:
        try:
            insert_content(adder, table, world, returning=True)
            adder.commit()
        except psycopg.Error:
            adder.rollback()
            raise

    racing = start_and_let_it_block(admin, adder, add)
    flip.commit()
    with pytest.raises(psycopg.Error) as refused:
        racing.outcome()

    assert isinstance(refused.value, psycopg.errors.InsufficientPrivilege)
    assert isinstance(translate(refused.value), Forbidden)
    assert admin.execute(count, (world["project"],)).fetchone() == before


@pytest.mark.parametrize("table", CONTENT_TABLES)
def test_a_project_turning_private_while_a_row_is_being_added_makes_that_row_private_too(
    admin, connect_as, shared_project, table: str
) -> None:
    world = shared_project
    adder = connect_as("app", world["users"]["creator"])
    row_id = insert_content(adder, table, world, returning=True)

    flip = connect_as("app", world["users"]["creator"])

    def flip_and_commit() -> None:
        make_private(flip, world["project"])
        flip.commit()

    racing = start_and_let_it_block(admin, flip, flip_and_commit)
    adder.commit()
    racing.outcome()

    assert_private(admin, connect_as, world, table, row_id)


# ------------------------------------------------------------------ 3. invitations need an inviter with the right
def invite(connect_as, org: uuid.UUID, inviter: uuid.UUID, role: str) -> tuple[str, str]:
    """The inviter (through the app role) invites a new address; returns (email, token)."""
    token, email = f"tok-{uuid.uuid4().hex}", f"invitee-{uuid.uuid4().hex[:8]}@x.test"
    conn = connect_as("app", inviter)
    conn.execute(
        "insert into invitations (organization_id, email, role, token_hash, invited_by) values (%s, %s, %s, %s, %s)",
        (org, email, role, hashlib.sha256(token.encode()).hexdigest(), inviter),
    )
    conn.commit()
    return email, token


def accept(admin, connect_as, email: str, token: str) -> uuid.UUID:
    invitee = insert(admin, "users", email=email, password_hash="x", display_name="Invitee")["id"]
    conn = connect_as("app", invitee)
    try:
        org = conn.execute("select app.accept_invitation(%s) as org", (token,)).fetchone()["org"]
    except psycopg.Error:
        conn.rollback()
        raise
    conn.commit()
    return org


def as_app(connect_as, user: uuid.UUID, statement: str, params: tuple) -> None:
    conn = connect_as("app", user)
    conn.execute(statement, params)
    conn.commit()


LOSING_RIGHTS = {
    "admin demoted to member": (
        "admin",
        "owner",
        "update organization_members set role = 'member' where organization_id = %s and user_id = %s",
    ),
    "admin demoted to viewer": (
        "admin",
        "owner",
        "update organization_members set role = 'viewer' where organization_id = %s and user_id = %s",
    ),
    "admin removed by an owner": (
        "admin",
        "owner",
        "delete from organization_members where organization_id = %s and user_id = %s",
    ),
    "admin leaving": (
        "admin",
        "inviter",
        "delete from organization_members where organization_id = %s and user_id = %s",
    ),
    "owner stepped down to admin (owner invitation)": (
        "owner",
        "owner",
        "update organization_members set role = 'admin' where organization_id = %s and user_id = %s",
    ),
}


@pytest.mark.parametrize("case", list(LOSING_RIGHTS))
def test_an_invitation_cannot_be_accepted_once_its_inviter_lost_the_right_to_send_it(
    admin, connect_as, case: str
) -> None:
    inviter_role, actor, change = LOSING_RIGHTS[case]
    org, users = new_org(admin, owner="owner", inviter=inviter_role)
    email, token = invite(connect_as, org, users["inviter"], "owner" if inviter_role == "owner" else "admin")
    as_app(connect_as, users[actor], change, (org, users["inviter"]))

    with pytest.raises(psycopg.Error) as refused:
        accept(admin, connect_as, email, token)

    assert refused.value.sqlstate == "SX003"
    assert isinstance(translate(refused.value), NotFound)
    joined = admin.execute(
        "select count(*) as n from organization_members m join users u on u.id = m.user_id"
        " where m.organization_id = %s and u.email = %s",
        (org, email),
    ).fetchone()
    assert joined == {"n": 0}
    assert admin.execute("select app.verify_audit_chain(%s) as broken", (org,)).fetchone() == {"broken": None}


def test_an_invitation_cannot_be_accepted_once_its_inviter_deleted_their_account(admin, connect_as) -> None:
    org, users = new_org(admin, owner="owner", inviter="admin")
    email, token = invite(connect_as, org, users["inviter"], "member")
    as_app(connect_as, users["inviter"], "select app.delete_account()", ())

    with pytest.raises(psycopg.Error) as refused:
        accept(admin, connect_as, email, token)
    assert refused.value.sqlstate == "SX003"


def test_an_invitation_is_still_accepted_while_its_inviter_keeps_the_right_to_send_it(
    admin, connect_as
) -> None:
    org, users = new_org(admin, owner="owner", inviter="admin", promoted="member")
    email, token = invite(connect_as, org, users["inviter"], "admin")
    # Unrelated role changes do not matter, nor does an owner invitation sent by an owner who stays one.
    as_app(
        connect_as,
        users["owner"],
        "update organization_members set role = 'admin' where organization_id = %s and user_id = %s",
        (org, users["promoted"]),
    )
    owner_email, owner_token = invite(connect_as, org, users["owner"], "owner")

    assert accept(admin, connect_as, email, token) == org
    assert accept(admin, connect_as, owner_email, owner_token) == org
    roles = admin.execute(
        "select u.email, m.role::text as role from organization_members m join users u on u.id = m.user_id"
        " where m.organization_id = %s and u.email = any(%s) order by m.role",
        (org, [email, owner_email]),
    ).fetchall()
    assert roles == [{"email": email, "role": "admin"}, {"email": owner_email, "role": "owner"}]


def test_an_acceptance_racing_the_inviters_demotion_waits_for_it_and_is_refused(admin, connect_as) -> None:
    org, users = new_org(admin, owner="owner", inviter="admin")
    email, token = invite(connect_as, org, users["inviter"], "member")
    invitee = insert(admin, "users", email=email, password_hash="x", display_name="Invitee")["id"]

    demotion = connect_as("app", users["owner"])
    demotion.execute(
        "update organization_members set role = 'member' where organization_id = %s and user_id = %s",
        (org, users["inviter"]),
    )
    accepting = connect_as("app", invitee)

    def accept_and_commit() -> None:
        try:
            accepting.execute("select app.accept_invitation(%s)", (token,))
            accepting.commit()
        except psycopg.Error:
            accepting.rollback()
            raise

    racing = start_and_let_it_block(admin, accepting, accept_and_commit)
    demotion.commit()
    with pytest.raises(psycopg.Error) as refused:
        racing.outcome()
    assert refused.value.sqlstate == "SX003"
    member = admin.execute(
        "select count(*) as n from organization_members where organization_id = %s and user_id = %s",
        (org, invitee),
    ).fetchone()
    assert member == {"n": 0}
