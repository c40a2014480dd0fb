"""Who is signed in: the session cookie verified against the database on every page load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from backend.auth.tokens import (
    InvalidSessionToken,
    SessionClaims,
    decode_session_token,
    session_cookie_name,
)
from backend.config import get_settings
from backend.db.session import tenant_session
from backend.errors import Forbidden, Unauthenticated
from backend.rbac import Role
from backend.services import billing_access
from backend.services.context import RequestContext

SESSION_ENDED = "Your session has ended. Please sign in again."


@dataclass(frozen=True)
class Membership:
    org_id: str
    name: str
    role: Role


@dataclass(frozen=True)
class SessionUser:
    user_id: str
    jti: str
    email: str
    display_name: str
    memberships: list[Membership] = field(default_factory=list)

    def membership(self, org_id: str | None) -> Membership | None:
        chosen = next((m for m in self.memberships if m.org_id == org_id), None)
        return chosen or (self.memberships[0] if self.memberships else None)


def session_token_from_cookie_header(cookie_header: str | None) -> str | None:
    name = session_cookie_name(get_settings())
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


LIVE_SESSION = (
    "select 1 from public.sessions where jti = %s and user_id = %s"
    " and revoked_at is null and expires_at > now()"
)


def _claims(cookie_header: str | None) -> SessionClaims:
    """The cookie's verified claims (raises Unauthenticated for a missing, forged or expired token)."""
    return _verified(session_token_from_cookie_header(cookie_header))[1]


def _verified(token: str | None) -> tuple[str, SessionClaims]:
    try:
        return token or "", decode_session_token(token, get_settings().session_secret)
    except InvalidSessionToken:
        raise Unauthenticated(SESSION_ENDED) from None


def _fingerprint_and_claims(cookie_header: str | None) -> tuple[str, SessionClaims | None]:
    try:
        token, claims = _verified(session_token_from_cookie_header(cookie_header))
    except Unauthenticated:
        return "", None
    return hashlib.sha256(token.encode()).hexdigest(), claims


def session_fingerprint(cookie_header: str | None) -> str:
    """A hash naming the signed-in session the cookie carries; "" when there is none or it has expired.

    Server-side state is bound to this value: when it changes, the state belongs to somebody else."""
    return _fingerprint_and_claims(cookie_header)[0]


async def live_session_fingerprint(cookie_header: str | None) -> str:
    """`session_fingerprint`, and "" as well when the session was signed out or revoked in the database."""
    fingerprint, claims = _fingerprint_and_claims(cookie_header)
    if claims is None:
        return ""
    async with tenant_session(claims.user_id) as conn:
        live = await (await conn.execute(LIVE_SESSION, (claims.jti, claims.user_id))).fetchone()
    return fingerprint if live else ""


async def resolve_session(cookie_header: str | None) -> SessionUser:
    """Raises Unauthenticated unless the token is authentic and its session live."""
    claims = _claims(cookie_header)
    async with tenant_session(claims.user_id) as conn:
        session = await (await conn.execute(LIVE_SESSION, (claims.jti, claims.user_id))).fetchone()
        user = await (
            await conn.execute(
                "select email, display_name from public.users where id = %s", (claims.user_id,)
            )
        ).fetchone()
        if session is None or user is None:
            raise Unauthenticated(SESSION_ENDED)
        rows = await (
            await conn.execute(
                "select o.id::text as org_id, o.name, m.role::text as role"
                " from public.organization_members m join public.organizations o on o.id = m.organization_id"
                " where m.user_id = %s order by o.name, o.id",
                (claims.user_id,),
            )
        ).fetchall()
    return SessionUser(
        user_id=str(claims.user_id),
        jti=claims.jti,
        email=user["email"],
        display_name=user["display_name"],
        memberships=[Membership(r["org_id"], r["name"], Role(r["role"])) for r in rows],
    )


async def current_context(
    cookie_header: str | None, org_id: str | None, *, billing_exempt: bool = False
) -> RequestContext:
    """Re-read session and membership: a role change or removal applies to the very next action.

    An organization whose subscription doesn't allow work is refused here (BillingRequired), unless
    the caller is one of the few places that must stay usable to fix it (billing, account settings)."""
    return await context_in(await resolve_session(cookie_header), org_id, billing_exempt=billing_exempt)


async def context_in(
    user: SessionUser, org_id: str | None, *, billing_exempt: bool = False
) -> RequestContext:
    """`user` acting in `org_id`: refused unless they are a member and (billing aside) it may work."""
    membership = next((m for m in user.memberships if m.org_id == org_id), None)
    if membership is None:
        raise Forbidden("You are no longer a member of this organization. Reload to continue.")
    if not billing_exempt:
        await billing_access.require_working(org_id=membership.org_id, role=membership.role.value)
    return RequestContext(user_id=user.user_id, org_id=membership.org_id, role=membership.role)
