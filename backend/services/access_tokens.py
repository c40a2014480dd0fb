"""Personal access tokens for the public API: create, list, revoke, and authenticate a request.

A token is `skopx_pat_` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: the
secret is high-entropy, so a fast hash cannot be brute-forced, and a request is checked with one index
lookup. The secret is returned once, by `create_token`, and never again.

A token belongs to one membership (sql/0011). It acts with the lower of its role ceiling and the
member's role at the time of each request, so it loses what its user loses: a demotion lowers it, a
removal or an account deletion deletes it, a revocation refuses its very next request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend.db.errors import expect_rowcount
from backend.db.session import service_session, tenant_session
from backend.errors import Invalid, Unauthenticated
from backend.limits import API_TOKEN_LIFETIMES_DAYS, API_TOKEN_NAME, ROLES
from backend.rbac import Role, at_least
from backend.services import billing_access
from backend.services.context import RequestContext
from backend.services.projects import parse_id
from backend.text import clean_line

TOKEN_PREFIX = "skopx_pat_"  # noqa: S105 - a label, not a secret
_SECRET_CHARS = 43  # secrets.token_urlsafe(32)
_TOKEN_SHAPE = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{{_SECRET_CHARS}}}$")
_SHOWN_CHARS = 4  # of the secret, after the prefix, in lists
# Writing the last-used time on every request would turn each read into a write; a minute is precise
# enough to tell which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)

STATUS_LABELS = {"active": "Active", "expired": "Expired", "revoked": "Revoked"}
TOKEN_REFUSED = "This API token is invalid, expired or revoked. Create a new one in Settings → API tokens."  # noqa: S105
TOKEN_NOT_FOUND = "We couldn't find that token. It may have been revoked already."  # noqa: S105


@dataclass(frozen=True)
class TokenView:
    """A token as its owner sees it: never the secret, only its first characters."""

    id: str
    name: str
    organization_id: str
    organization_name: str
    role_ceiling: str
    shown: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    def status_label(self, now: datetime) -> str:
        return STATUS_LABELS[self.status(now)]

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired: it still works, so it can still be revoked."""
        return self.status(now) == "active"


@dataclass(frozen=True)
class CreatedToken:
    token: TokenView
    secret: str  # shown once

    def __repr__(self) -> str:
        return f"CreatedToken(token={self.token!r}, secret=[redacted])"


@dataclass(frozen=True)
class TokenIdentity:
    """Who a valid token acts for, and where."""

    token_id: str
    context: RequestContext


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(value: str | None) -> bool:
    return bool(value) and _TOKEN_SHAPE.fullmatch(value) is not None


def clean_token_name(name: str | None) -> str:
    return clean_line(
        name,
        label="the token name",
        field="name",
        min_len=API_TOKEN_NAME.min_len,
        max_len=API_TOKEN_NAME.max_len,
        length_error=(
            f"Give the token a name of {API_TOKEN_NAME.min_len}–{API_TOKEN_NAME.max_len} characters, "
            "such as what will use it."
        ),
    )


def ceilings_for(role: Role | str | None) -> list[str]:
    """The role ceilings a member may give a token: their own role and the ones below it."""
    return [value for value in ROLES if role and at_least(role, value)]


def _clean_ceiling(ctx: RequestContext, ceiling: str | None) -> str:
    value = (ceiling or "").strip().lower()
    if value not in ROLES:
        raise Invalid("Choose what the token may do: viewer, member, admin or owner.", field="role_ceiling")
    if value not in ceilings_for(ctx.role):
        raise Invalid(
            f"A token can't do more than you can: choose {', '.join(ceilings_for(ctx.role))}.",
            field="role_ceiling",
        )
    return value


def _clean_lifetime(days: int | str | None) -> int:
    try:
        value = int(str(days).strip())
    except ValueError:
        value = 0
    if value not in API_TOKEN_LIFETIMES_DAYS:
        choices = ", ".join(str(d) for d in API_TOKEN_LIFETIMES_DAYS)
        raise Invalid(f"Choose how long the token lasts: {choices} days.", field="expires_in_days")
    return value


_SELECT = (
    "select t.id::text as id, t.name, t.organization_id::text as organization_id, o.name as organization_name,"
    " t.role_ceiling::text as role_ceiling, t.token_prefix, t.created_at, t.expires_at, t.last_used_at,"
    " t.revoked_at from public.api_tokens t join public.organizations o on o.id = t.organization_id"
)


def _view(row: dict) -> TokenView:
    return TokenView(
        id=row["id"],
        name=row["name"],
        organization_id=row["organization_id"],
        organization_name=row["organization_name"],
        role_ceiling=row["role_ceiling"],
        shown=f"{row['token_prefix']}…",
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


async def create_token(
    *, ctx: RequestContext, name: str | None, role_ceiling: str | None, expires_in_days: int | str | None
) -> CreatedToken:
    """A new token for the acting member in `ctx`'s organization (audited by sql/0011)."""
    clean_name = clean_token_name(name)
    ceiling = _clean_ceiling(ctx, role_ceiling)
    days = _clean_lifetime(expires_in_days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    shown = secret[: len(TOKEN_PREFIX) + _SHOWN_CHARS]
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "insert into public.api_tokens"
                " (organization_id, user_id, name, token_prefix, token_hash, role_ceiling, expires_at)"
                " values (%s, %s, %s, %s, %s, %s, now() + make_interval(days => %s)) returning id::text as id",
                (ctx.org_id, ctx.user_id, clean_name, shown, token_hash(secret), ceiling, days),
            )
        ).fetchone()
        view = await (await conn.execute(_SELECT + " where t.id = %s", (row["id"],))).fetchone()
    return CreatedToken(token=_view(view), secret=secret)


async def list_tokens(*, user_id: str) -> list[TokenView]:
    """The user's tokens in every organization, newest first (RLS: only their own)."""
    async with tenant_session(user_id) as conn:
        rows = await (
            await conn.execute(_SELECT + " where t.user_id = %s order by t.created_at desc, t.id", (user_id,))
        ).fetchall()
    return [_view(row) for row in rows]


async def revoke_token(*, user_id: str, token_id: str) -> str:
    """Revoke one of the user's own tokens at once; returns its name. Revoking twice is not found."""
    async with tenant_session(user_id) as conn:
        cursor = await conn.execute(
            "update public.api_tokens set revoked_at = now() where id = %s and user_id = %s"
            " and revoked_at is null returning name",
            (parse_id(token_id, not_found=TOKEN_NOT_FOUND), user_id),
        )
        expect_rowcount(cursor, not_found=TOKEN_NOT_FOUND)
        row = await cursor.fetchone()
    return row["name"]


_AUTHENTICATE = (
    "select t.id::text as token_id, t.user_id::text as user_id, t.organization_id::text as org_id,"
    " least(t.role_ceiling, m.role)::text as role, t.last_used_at"
    " from public.api_tokens t join public.organization_members m"
    "   on m.organization_id = t.organization_id and m.user_id = t.user_id"
    " where t.token_hash = %s and t.revoked_at is null and t.expires_at > now()"
)


async def authenticate(secret: str | None, *, now: datetime | None = None) -> TokenIdentity:
    """The identity a bearer token carries, checked against the database on every request.

    Raises Unauthenticated for anything but a live token, and BillingRequired when its organization's
    subscription doesn't allow work."""
    if not looks_like_token(secret):
        raise Unauthenticated(TOKEN_REFUSED)
    async with service_session() as conn:
        row = await (await conn.execute(_AUTHENTICATE, (token_hash(secret),))).fetchone()
        if row is None:
            raise Unauthenticated(TOKEN_REFUSED)
        moment = now or datetime.now(UTC)
        if row["last_used_at"] is None or moment - row["last_used_at"] >= LAST_USED_PRECISION:
            await conn.execute(
                "update public.api_tokens set last_used_at = now() where id = %s", (row["token_id"],)
            )
    await billing_access.require_working(org_id=row["org_id"], role=row["role"])
    return TokenIdentity(
        token_id=row["token_id"],
        context=RequestContext(user_id=row["user_id"], org_id=row["org_id"], role=Role(row["role"])),
    )
