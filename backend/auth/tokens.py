"""Session JWTs, session cookie settings and invitation tokens.

Session tokens are HS256 JWTs with the algorithm pinned on decode (so `alg=none` and
algorithm-confusion tokens are refused) and `exp`, `iat`, `sub`, `jti` and `aud`
required. Whether the `jti` is still live (logout, password or role change) is checked
against the sessions table by the caller; this module only proves the token is authentic.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from backend.config import Settings
from backend.errors import Unauthenticated

ALGORITHM = "HS256"
AUDIENCE = "skopx:session"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "jti", "aud")
LEEWAY_SECONDS = 10
MAX_TOKEN_LENGTH = 4096
SESSION_ENDED_MESSAGE = "Your session has ended. Please sign in again."


class InvalidSessionToken(Unauthenticated):
    """The user sees one message whatever went wrong; `reason` is for logs and tests only."""

    def __init__(self, reason: str) -> None:
        super().__init__(SESSION_ENDED_MESSAGE)
        self.reason = reason


@dataclass(frozen=True)
class SessionClaims:
    user_id: uuid.UUID
    jti: str
    issued_at: datetime
    expires_at: datetime


def new_session_jti() -> str:
    return str(uuid.uuid4())


def _require_secret(secret: str) -> None:
    if not secret:
        raise ValueError("SESSION_SECRET is empty; configure it before issuing or reading sessions.")


def issue_session_token(
    user_id: uuid.UUID | str, jti: str, now: datetime, ttl_seconds: int, secret: str
) -> str:
    _require_secret(secret)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    claims = {
        "sub": str(uuid.UUID(str(user_id))),
        "jti": jti,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_session_token(token: str | None, secret: str) -> SessionClaims:
    """Verified claims, or InvalidSessionToken (an Unauthenticated) for any problem."""
    _require_secret(secret)
    if not token:
        raise InvalidSessionToken("missing")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidSessionToken("too_long")
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.MissingRequiredClaimError as error:
        raise InvalidSessionToken(f"missing_claim:{error.claim}") from None
    except jwt.ExpiredSignatureError:
        raise InvalidSessionToken("expired") from None
    except jwt.ImmatureSignatureError:
        raise InvalidSessionToken("issued_in_future") from None
    except jwt.InvalidAlgorithmError:
        raise InvalidSessionToken("algorithm") from None
    except jwt.InvalidSignatureError:
        raise InvalidSessionToken("signature") from None
    except jwt.InvalidAudienceError:
        raise InvalidSessionToken("audience") from None
    except jwt.InvalidTokenError as error:
        raise InvalidSessionToken(f"malformed:{type(error).__name__}") from None
    return _claims_from(payload)


def _claims_from(payload: dict[str, Any]) -> SessionClaims:
    jti = payload["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > 128:
        raise InvalidSessionToken("bad_claim:jti")
    try:
        user_id = uuid.UUID(str(payload["sub"]))
    except ValueError:
        raise InvalidSessionToken("bad_claim:sub") from None
    if not isinstance(payload["iat"], int | float):
        raise InvalidSessionToken("bad_claim:iat")
    return SessionClaims(
        user_id=user_id,
        jti=jti,
        issued_at=datetime.fromtimestamp(payload["iat"], UTC),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
    )


def session_cookie_name(settings: Settings) -> str:
    # Browsers only accept a __Host- cookie that is Secure, Path=/ and has no Domain.
    return "__Host-skopx_session" if settings.is_https else "skopx_session"


def session_cookie_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for Starlette's `Response.set_cookie` (add `key` and `value`)."""
    return {
        "max_age": settings.session_ttl_seconds,
        "path": "/",
        "secure": settings.is_https or settings.is_production,
        "httponly": True,
        "samesite": "lax",
    }


def session_cookie_clear_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Response.delete_cookie`: attributes must match the ones set."""
    kwargs = session_cookie_kwargs(settings)
    del kwargs["max_age"]
    return kwargs


def new_invitation_token() -> tuple[str, str]:
    """(token for the link, sha256 hex to store). Only the hash is kept server-side."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
