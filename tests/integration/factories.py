"""People, organizations and request contexts that integration tests create for themselves.

Two kinds: rows written as superuser (`insert`, `new_user`, `new_org`), which skip the services and
their rate limits, and accounts made through the services (`person`, `join`, `new_team`), which carry a
real session cookie. `ctx_for` acts as one of the shared world's people.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from backend.rbac import Role
from backend.services import accounts, invitations, sessions
from backend.services.context import RequestContext
from tests.integration.world import World

PASSWORD = "Correct-horse-42!"


# ------------------------------------------------------------------ as superuser
def insert(admin: psycopg.Connection, table: str, **values: Any) -> dict[str, Any]:
    """One row, as superuser (`admin` returns dict rows); returns the row as stored."""
    columns, marks = ", ".join(values), ", ".join(["%s"] * len(values))
    statement = f"insert into {table} ({columns}) values ({marks}) returning *"
    return admin.execute(statement, list(values.values())).fetchone()  # type: ignore[return-value]


def new_user(admin: psycopg.Connection, *, password_hash: str = "x") -> tuple[str, str]:
    """A user with no organization: (id, email)."""
    email = f"throwaway-{uuid.uuid4().hex[:10]}@hostile.test"
    row = admin.execute(
        "insert into users (email, password_hash, display_name) values (%s, %s, 'Throwaway') returning id::text",
        (email, password_hash),
    ).fetchone()
    return row["id"], email


def new_org(admin: psycopg.Connection, **people: str) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """A new organization with one new user per `name=role`: (organization id, user ids by name)."""
    tag = uuid.uuid4().hex[:10]
    users = {
        name: insert(admin, "users", email=f"{name}@{tag}.test", password_hash="x", display_name=name)["id"]
        for name in people
    }
    org = insert(admin, "organizations", name=f"Org {tag}", slug=f"org-{tag}")["id"]
    for name, role in people.items():
        insert(admin, "organization_members", organization_id=org, user_id=users[name], role=role)
    return org, users


# ------------------------------------------------------------------ the shared world
def ctx_for(world: World, role: str, org: str = "own") -> RequestContext:
    """Acting as the `role` of organization A (`org="own"`) or B (any other value)."""
    o = world.org(org)
    return RequestContext(user_id=str(o.users[role]), org_id=str(o.id), role=Role(role))


# ------------------------------------------------------------------ through the services
@dataclass
class Person:
    email: str
    token: str
    user_id: str
    org_id: str  # their personal organization

    @property
    def cookie(self) -> str:
        return f"skopx_session={self.token}"

    async def ctx(self, org_id: str | None = None) -> RequestContext:
        return await sessions.current_context(self.cookie, org_id or self.org_id)


async def person(label: str = "user") -> Person:
    """A new account signed up with PASSWORD, owning its personal organization."""
    email = f"{label}-{uuid.uuid4().hex[:8]}@Example.test"
    token = await accounts.sign_up(name=f"{label.title()} Person", email=email, password=PASSWORD)
    user = await sessions.resolve_session(f"skopx_session={token}")
    return Person(email.lower(), token, user.user_id, user.memberships[0].org_id)


async def join(owner: Person, newcomer: Person, role: str) -> None:
    """`newcomer` accepts an invitation from `owner` into the owner's personal organization."""
    created = await invitations.create_invitation(ctx=await owner.ctx(), email=newcomer.email, role=role)
    await invitations.accept_invitation(user_id=newcomer.user_id, token=created.link.rsplit("/", 1)[1])


async def new_team() -> dict[str, Person]:
    """A fresh organization (the owner's personal one) with an admin, a member and a viewer."""
    people = {role: await person(role) for role in ("owner", "admin", "member", "viewer")}
    for role in ("admin", "member", "viewer"):
        await join(people["owner"], people[role], role)
    return people
