"""Who is calling the public API: a personal access token, or the browser's session cookie.

A token decides the organization itself. A session acts in the organization named by the
`X-Skopx-Organization` header, or in its first one; the cookie is only accepted with the Origin check
that guards every unsafe request (skopx_ui/middleware.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backend.errors import Unauthenticated
from backend.services import access_tokens, sessions
from backend.services.context import RequestContext

NO_CREDENTIALS = (
    "Send an API token in the Authorization header (Authorization: Bearer skopx_pat_…). "
    "Create one in Settings → API tokens."
)
NOT_BEARER = "Send the API token as: Authorization: Bearer skopx_pat_…"


@dataclass(frozen=True)
class Caller:
    context: RequestContext
    via: Literal["token", "session"]
    token_id: str | None = None
    user: sessions.SessionUser | None = None  # a session's user, with all their memberships


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header; None when there is no such header."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(NOT_BEARER)
    return token.strip()


async def identify(
    *, authorization: str | None, cookie_header: str | None, organization: str | None = None
) -> Caller:
    token = bearer_token(authorization)
    if token is not None:
        identity = await access_tokens.authenticate(token)
        return Caller(context=identity.context, via="token", token_id=identity.token_id)
    if sessions.session_token_from_cookie_header(cookie_header) is None:
        raise Unauthenticated(NO_CREDENTIALS)
    user = await sessions.resolve_session(cookie_header)
    chosen = (organization or "").strip() or (user.memberships[0].org_id if user.memberships else None)
    return Caller(context=await sessions.context_in(user, chosen), via="session", user=user)
