"""The declarative role matrix the database policies must enforce: one Rule per table, one predicate per
operation.

A predicate receives a Ctx describing the actor's standing towards the target row and answers
whether the database must allow the operation. Everything across organizations is denied because
Ctx.role is None there (the actors are members of organization A only, or of nothing).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.world import PROJECT_VARIANTS, Org

RANK = {"viewer": 1, "member": 2, "admin": 3, "owner": 4}
ACTORS = ("owner", "admin", "member", "viewer", "outsider", "anonymous")
CREATORS = {key: creator for key, creator, _ in PROJECT_VARIANTS}
PRIVATE = {key: visibility == "private" for key, _, visibility in PROJECT_VARIANTS}


@dataclass(frozen=True)
class Ctx:
    role: str | None  # the actor's role in the target's organization
    actor: str
    variant: str

    @property
    def rank(self) -> int:
        return RANK.get(self.role or "", 0)

    @property
    def is_creator(self) -> bool:
        return self.role is not None and CREATORS.get(self.variant) == self.actor

    @property
    def sees_project(self) -> bool:
        return self.role is not None and (not PRIVATE.get(self.variant) or self.rank >= 3 or self.is_creator)


Pred = Callable[[Ctx], bool]


def nobody(ctx: Ctx) -> bool:
    return False


def at_least(role: str) -> Pred:
    return lambda ctx: ctx.rank >= RANK[role]


def sees(ctx: Ctx) -> bool:
    return ctx.sees_project


def member_sees(ctx: Ctx) -> bool:
    return ctx.rank >= 2 and ctx.sees_project


def creator(ctx: Ctx) -> bool:
    return ctx.sees_project and ctx.rank >= 2 and ctx.is_creator


def creator_or_admin(ctx: Ctx) -> bool:
    return ctx.sees_project and (ctx.rank >= 3 or (ctx.rank >= 2 and ctx.is_creator))


def member_rule(ctx: Ctx) -> bool:
    """Owners change any membership, admins non-owner ones; the target here is the viewer's."""
    return ctx.rank >= 3


def token_holder(ctx: Ctx) -> bool:
    """API tokens are their holder's alone (the world's token is the member's); admins see none."""
    return ctx.role is not None and ctx.actor == "member"


def member_leave(ctx: Ctx) -> bool:
    return ctx.rank >= 3 or (ctx.role is not None and ctx.actor == "viewer")


Values = Callable[[Org, uuid.UUID | None, str], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    table: str
    variants: tuple[str, ...]
    select: Pred
    insert: Pred
    update: Pred
    delete: Pred
    set_clause: str
    values: Values


def _row(org: Org, table: str, variant: str = "") -> uuid.UUID:
    return org.rows[f"{table}:{variant}"]["id"]


def _in_project(org: Org, actor: uuid.UUID | None, variant: str) -> dict[str, Any]:
    return {"organization_id": org.id, "project_id": _row(org, "projects", variant), "created_by": actor}


def _unique() -> str:
    return secrets.token_hex(4)


CONTENT = tuple(key for key, _, _ in PROJECT_VARIANTS)

RULES: tuple[Rule, ...] = (
    Rule(
        "api_tokens",
        ("",),
        token_holder,
        at_least("viewer"),  # a viewer-ceiling token for oneself
        token_holder,
        nobody,
        "revoked_at = now()",
        lambda org, a, v: {
            "organization_id": org.id,
            # Anonymous tries to mint one for the member.
            "user_id": a or org.users["member"],
            "name": "New",
            "token_prefix": "skopx_pat_new",
            "token_hash": secrets.token_hex(32),
            "role_ceiling": "viewer",
            "expires_at": datetime.now(UTC) + timedelta(days=1),
        },
    ),
    Rule(
        "organizations",
        ("",),
        at_least("viewer"),
        nobody,
        at_least("admin"),
        at_least("owner"),
        "name = name || '!'",
        lambda org, a, v: {"name": "New", "slug": f"new-{_unique()}"},
    ),
    Rule(
        "organization_members",
        ("viewer",),
        at_least("viewer"),
        nobody,
        member_rule,
        member_leave,
        "role = 'member'",
        lambda org, a, v: {"organization_id": org.id, "user_id": org.users["viewer"]},
    ),
    Rule(
        "invitations",
        ("",),
        at_least("admin"),
        at_least("admin"),
        at_least("admin"),
        at_least("admin"),
        "expires_at = expires_at + interval '1 day'",
        lambda org, a, v: {
            "organization_id": org.id,
            "email": f"{_unique()}@x.test",
            "token_hash": secrets.token_hex(32),
            "invited_by": a,
        },
    ),
    Rule(
        "organization_billing",
        ("",),
        at_least("admin"),
        nobody,
        nobody,
        nobody,
        "seats = seats + 1",
        lambda org, a, v: {"organization_id": org.id},
    ),
    Rule(
        "usage_events",
        ("",),
        at_least("admin"),
        at_least("member"),
        nobody,
        nobody,
        "input_tokens = input_tokens + 1",
        lambda org, a, v: {"organization_id": org.id, "user_id": a, "model": "m", "key_source": "server"},
    ),
    Rule(
        "audit_logs",
        ("",),
        at_least("admin"),
        nobody,
        nobody,
        nobody,
        "action = action",
        lambda org, a, v: {
            "organization_id": org.id,
            "seq": 10_000,
            "action": "insert",
            "table_name": "x",
            "prev_hash": "",
            "hash": "",
        },
    ),
    Rule(
        "projects",
        CONTENT,
        sees,
        at_least("member"),
        creator_or_admin,
        creator_or_admin,
        "name = name || '!'",
        lambda org, a, v: {"organization_id": org.id, "name": "New", "created_by": a},
    ),
    Rule(
        "conversations",
        CONTENT,
        sees,
        member_sees,
        creator_or_admin,
        creator_or_admin,
        "title = title || '!'",
        _in_project,
    ),
    Rule(
        "tasks",
        CONTENT,
        sees,
        member_sees,
        creator_or_admin,
        creator_or_admin,
        "title = title || '!'",
        lambda org, a, v: {**_in_project(org, a, v), "title": "New"},
    ),
    Rule(
        "messages",
        CONTENT,
        sees,
        creator,
        creator,
        creator_or_admin,
        "content = content || '!'",
        lambda org, a, v: {
            **_in_project(org, a, v),
            "conversation_id": _row(org, "conversations", v),
            "role": "user",
        },
    ),
    Rule(
        "data_queries",
        ("shared", "private"),
        sees,
        member_sees,
        creator_or_admin,
        creator_or_admin,
        "title = title || '!'",
        lambda org, a, v: {
            "organization_id": org.id,
            "project_id": _row(org, "projects", v),
            "database_connection_id": _row(org, "database_connections"),
            "title": "New",
            "sql_text": "select 1",
            "created_by": a,
        },
    ),
    Rule(
        "integrations",
        ("",),
        at_least("viewer"),
        at_least("admin"),
        at_least("admin"),
        at_least("admin"),
        "account_login = account_login || '!'",
        lambda org, a, v: {
            "organization_id": org.id,
            "provider": "gitlab",
            "token_ciphertext": "c",
            "connected_by": a,
        },
    ),
    Rule(
        "repositories",
        ("",),
        at_least("viewer"),
        at_least("admin"),
        at_least("admin"),
        at_least("admin"),
        "default_branch = default_branch || '!'",
        lambda org, a, v: {
            "organization_id": org.id,
            "integration_id": _row(org, "integrations"),
            "full_name": f"x/{_unique()}",
        },
    ),
    Rule(
        "database_connections",
        ("",),
        at_least("viewer"),
        at_least("admin"),
        at_least("admin"),
        at_least("admin"),
        "name = name || '!'",
        lambda org, a, v: {
            "organization_id": org.id,
            "name": f"db {_unique()}",
            "config_ciphertext": "c",
            "created_by": a,
        },
    ),
)
