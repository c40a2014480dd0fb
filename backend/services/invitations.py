"""Invitations: create (admin+, role limited by can_assign_role), list pending, revoke, accept.

The token appears only in the link handed to the inviter; the database keeps its sha256. No email
is sent: the inviter copies the link. In local mode the link is also written to the server log.
Acceptance goes through app.accept_invitation(token), which checks expiry, single use and that
the invitation was sent to the signed-in user's email address.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend import routes
from backend.auth.emails import normalize_email
from backend.auth.tokens import new_invitation_token
from backend.config import get_settings
from backend.db.errors import expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Conflict, Forbidden, NotFound
from backend.limits import INVITATION_TOKEN_MAX_LEN
from backend.rbac import Role, can_assign_role
from backend.services.context import RequestContext

log = logging.getLogger(__name__)

INVITATION_TTL = timedelta(days=7)
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # secrets.token_urlsafe's alphabet
INVALID_LINK = (
    "This invitation link is invalid, has expired or has already been used. "
    "Ask the person who invited you for a new link."
)
WRONG_EMAIL = (
    "This invitation was sent to a different email address. Sign out, then sign in or create an "
    "account with the address the invitation was sent to."
)
GONE = "This invitation no longer exists: it may have been accepted or revoked already. Reload the page."


@dataclass(frozen=True)
class CreatedInvitation:
    id: str
    email: str
    role: Role
    link: str
    expires_at: datetime


# The database refuses an invitation whose inviter may no longer grant its role (demoted, removed or
# gone); such an invitation is shown as withdrawn and, like an expired one, makes way for a new one.
WITHDRAWN = (
    "not exists (select 1 from public.organization_members m where m.organization_id = i.organization_id"
    " and m.user_id = i.invited_by and (m.role = 'owner' or (m.role = 'admin' and i.role <> 'owner')))"
)


@dataclass(frozen=True)
class InvitationView:
    id: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    withdrawn: bool = False
    revocable: bool = False  # the viewer may revoke it (may grant its role)

    @property
    def expired(self) -> bool:
        return self.expires_at <= datetime.now(UTC)


@dataclass(frozen=True)
class AcceptedInvitation:
    org_id: str
    org_name: str


def invitation_link(token: str) -> str:
    return f"{get_settings().public_url}{routes.invite(token)}"


async def create_invitation(*, ctx: RequestContext, email: str, role: str) -> CreatedInvitation:
    ctx.require(Role.ADMIN, "invite people")
    address = normalize_email(email)
    granted = Role.parse(role)
    if not can_assign_role(ctx.role, granted):
        raise Forbidden("Only an owner can invite someone as an owner.")
    token, token_hash = new_invitation_token()
    expires_at = datetime.now(UTC) + INVITATION_TTL
    async with tenant_session(ctx.user_id) as conn:
        member = await (
            await conn.execute(
                "select 1 from public.organization_members m join public.users u on u.id = m.user_id"
                " where m.organization_id = %s and u.email = %s",
                (ctx.org_id, address),
            )
        ).fetchone()
        if member:
            raise Conflict(f"{address} is already a member of this organization.", field="email")
        # An expired or withdrawn, never-accepted invitation would otherwise block a new one.
        await conn.execute(
            "delete from public.invitations i where i.organization_id = %s and i.email = %s"
            f" and i.accepted_at is null and (i.expires_at <= now() or {WITHDRAWN})",
            (ctx.org_id, address),
        )
        pending = await (
            await conn.execute(
                "select 1 from public.invitations where organization_id = %s and email = %s"
                " and accepted_at is null",
                (ctx.org_id, address),
            )
        ).fetchone()
        if pending:
            raise Conflict(
                f"{address} already has a pending invitation. Revoke it below to create a new link.",
                field="email",
            )
        row = await (
            await conn.execute(
                "insert into public.invitations (organization_id, email, role, token_hash, invited_by, expires_at)"
                " values (%s, %s, %s, %s, %s, %s) returning id::text as id",
                (ctx.org_id, address, granted.value, token_hash, ctx.user_id, expires_at),
            )
        ).fetchone()
    link = invitation_link(token)
    if not get_settings().is_production:
        log.info("Invitation link for %s (%s): %s", address, granted.value, link)
    return CreatedInvitation(id=row["id"], email=address, role=granted, link=link, expires_at=expires_at)


async def list_pending(*, ctx: RequestContext) -> list[InvitationView]:
    """Invitations not yet accepted (expired ones included, marked); empty below admin."""
    if ctx.role not in (Role.ADMIN, Role.OWNER):
        return []
    async with tenant_session(ctx.user_id) as conn:
        rows = await (
            await conn.execute(
                "select i.id::text as id, i.email, i.role::text as role,"
                " coalesce(u.display_name, 'a former member') as invited_by, i.created_at, i.expires_at,"
                f" {WITHDRAWN} as withdrawn"
                " from public.invitations i left join public.users u on u.id = i.invited_by"
                " where i.organization_id = %s and i.accepted_at is null order by i.created_at desc",
                (ctx.org_id,),
            )
        ).fetchall()
    return [
        InvitationView(**{**r, "role": Role(r["role"]), "revocable": can_assign_role(ctx.role, r["role"])})
        for r in rows
    ]


async def revoke_invitation(*, ctx: RequestContext, invitation_id: str) -> str:
    """Withdraw a pending invitation; returns its email. Admins cannot withdraw an owner invitation."""
    ctx.require(Role.ADMIN, "revoke invitations")
    try:
        invitation_id = str(uuid.UUID(str(invitation_id)))
    except ValueError:
        raise NotFound(GONE) from None
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "select email, role::text as role from public.invitations"
                " where organization_id = %s and id = %s and accepted_at is null",
                (ctx.org_id, invitation_id),
            )
        ).fetchone()
        if row is None:
            raise NotFound(GONE)
        if not can_assign_role(ctx.role, row["role"]):
            raise Forbidden("Only an owner can revoke an invitation to become an owner.")
        cursor = await conn.execute(
            "delete from public.invitations where organization_id = %s and id = %s and accepted_at is null",
            (ctx.org_id, invitation_id),
        )
        expect_rowcount(cursor, not_found=GONE)
    return row["email"]


async def accept_invitation(*, user_id: str, token: str) -> AcceptedInvitation:
    """Join the invitation's organization as the signed-in user (who must own the invited address)."""
    token = (token or "").strip()
    if len(token) > INVITATION_TOKEN_MAX_LEN or not _TOKEN.fullmatch(token):
        raise NotFound(INVALID_LINK)
    try:
        async with tenant_session(user_id) as conn:
            row = await (
                await conn.execute("select app.accept_invitation(%s)::text as id", (token,))
            ).fetchone()
            org = await (
                await conn.execute("select name from public.organizations where id = %s", (row["id"],))
            ).fetchone()
    except NotFound as error:
        if "different email" in error.detail:
            raise Forbidden(WRONG_EMAIL) from error
        raise NotFound(INVALID_LINK) from error
    return AcceptedInvitation(org_id=row["id"], org_name=org["name"] if org else "the organization")
