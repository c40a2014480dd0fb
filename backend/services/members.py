"""Organization members: list, change role, remove, leave, transfer ownership.

Owners manage anyone; admins manage admins, members and viewers but never owners. The checks
run here on a fresh RequestContext AND in the database (RLS update/delete policies), and the
database trigger keeps at least one owner (SQLSTATE SX001, a Conflict with a clear sentence).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from backend import limits
from backend.db.errors import expect_row, expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.rbac import Role, can_assign_role, can_manage_member
from backend.services.context import RequestContext

NOT_A_MEMBER = "That person is no longer a member of this organization. Reload the page."
ONLY_OWNERS_MANAGE_OWNERS = "Only an owner can change or remove another owner."
ONLY_OWNERS_GRANT_OWNER = "Only an owner can make someone an owner."


ALL_ROLES = tuple(reversed(limits.ROLES))  # owner first


@dataclass(frozen=True)
class MemberView:
    user_id: str
    name: str
    email: str
    role: Role
    joined_at: datetime
    is_you: bool
    manageable: bool = False  # the viewer may change this person's role or remove them
    can_transfer: bool = False  # the viewer may make this person an owner


def role_phrase(role: Role | str) -> str:
    """'an admin', 'a member': a role as it reads in a sentence."""
    word = Role(role).value
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def assignable_roles(actor: Role | str | None) -> list[str]:
    """The roles `actor` may give someone, highest first (none for members and viewers)."""
    return [role for role in ALL_ROLES if actor and can_assign_role(actor, role)]


def _user_id(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound(NOT_A_MEMBER) from None


async def list_members(*, ctx: RequestContext) -> list[MemberView]:
    """Everyone in the organization, owners first; any member (even a viewer) may see the list."""
    async with tenant_session(ctx.user_id) as conn:
        rows = await (
            await conn.execute(
                "select m.user_id::text as user_id, u.display_name as name, u.email, m.role::text as role,"
                " m.created_at as joined_at from public.organization_members m"
                " join public.users u on u.id = m.user_id"
                " where m.organization_id = %s order by m.role desc, lower(u.display_name), u.email",
                (ctx.org_id,),
            )
        ).fetchall()
    return [
        MemberView(
            user_id=r["user_id"],
            name=r["name"],
            email=r["email"],
            role=Role(r["role"]),
            joined_at=r["joined_at"],
            is_you=r["user_id"] == ctx.user_id,
            manageable=r["user_id"] != ctx.user_id and can_manage_member(ctx.role, r["role"]),
            can_transfer=r["user_id"] != ctx.user_id and ctx.role == Role.OWNER and r["role"] != Role.OWNER,
        )
        for r in rows
    ]


async def _target_role(conn, ctx: RequestContext, user_id: str) -> Role:
    row = await (
        await conn.execute(
            "select role::text as role from public.organization_members"
            " where organization_id = %s and user_id = %s",
            (ctx.org_id, user_id),
        )
    ).fetchone()
    return Role(expect_row(row, not_found=NOT_A_MEMBER)["role"])


async def change_role(*, ctx: RequestContext, user_id: str, role: str) -> Role:
    ctx.require(Role.ADMIN, "change members' roles")
    target_id, new_role = _user_id(user_id), Role.parse(role)
    if not can_assign_role(ctx.role, new_role):
        raise Forbidden(ONLY_OWNERS_GRANT_OWNER)
    async with tenant_session(ctx.user_id) as conn:
        current = await _target_role(conn, ctx, target_id)
        if target_id != ctx.user_id and not can_manage_member(ctx.role, current):
            raise Forbidden(ONLY_OWNERS_MANAGE_OWNERS)
        if current == new_role:
            return new_role
        cursor = await conn.execute(
            "update public.organization_members set role = %s where organization_id = %s and user_id = %s",
            (new_role.value, ctx.org_id, target_id),
        )
        expect_rowcount(cursor, not_found=NOT_A_MEMBER)
    return new_role


async def remove_member(*, ctx: RequestContext, user_id: str) -> None:
    target_id = _user_id(user_id)
    if target_id == ctx.user_id:
        raise Invalid("To remove yourself, use “Leave organization”.")
    ctx.require(Role.ADMIN, "remove members")
    async with tenant_session(ctx.user_id) as conn:
        current = await _target_role(conn, ctx, target_id)
        if not can_manage_member(ctx.role, current):
            raise Forbidden(ONLY_OWNERS_MANAGE_OWNERS)
        cursor = await conn.execute(
            "delete from public.organization_members where organization_id = %s and user_id = %s",
            (ctx.org_id, target_id),
        )
        expect_rowcount(cursor, not_found=NOT_A_MEMBER)


async def leave_organization(*, ctx: RequestContext) -> None:
    async with tenant_session(ctx.user_id) as conn:
        # The last-owner guard speaks first; the only-organization rule rolls the delete back.
        cursor = await conn.execute(
            "delete from public.organization_members where organization_id = %s and user_id = %s",
            (ctx.org_id, ctx.user_id),
        )
        expect_rowcount(cursor, not_found=NOT_A_MEMBER)
        left = await (
            await conn.execute(
                "select count(*) as n from public.organization_members where user_id = %s", (ctx.user_id,)
            )
        ).fetchone()
        if left["n"] == 0:
            raise Conflict(
                "This is your only organization. Create another one first, or delete your account instead."
            )


async def transfer_ownership(*, ctx: RequestContext, user_id: str) -> None:
    """Make `user_id` an owner and step the actor down to admin, in one transaction."""
    ctx.require(Role.OWNER, "transfer ownership")
    target_id = _user_id(user_id)
    if target_id == ctx.user_id:
        raise Invalid("Choose another member to transfer ownership to.")
    async with tenant_session(ctx.user_id) as conn:
        await _target_role(conn, ctx, target_id)
        # Promote first: the last-owner guard must always find an owner.
        await conn.execute(
            "update public.organization_members set role = 'owner' where organization_id = %s and user_id = %s",
            (ctx.org_id, target_id),
        )
        cursor = await conn.execute(
            "update public.organization_members set role = 'admin' where organization_id = %s and user_id = %s",
            (ctx.org_id, ctx.user_id),
        )
        expect_rowcount(cursor, not_found=NOT_A_MEMBER)
