"""Sign-up, sign-in and sign-out: accounts and their revocable sessions."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

from psycopg import AsyncConnection

from backend.auth.emails import normalize_email
from backend.auth.passwords import (
    hash_password_async,
    policy_checklist,
    require_valid_password,
    verify_password_or_dummy_async,
)
from backend.auth.redirects import safe_next_path
from backend.auth.tokens import (
    InvalidSessionToken,
    decode_session_token,
    issue_session_token,
    new_session_jti,
)
from backend.config import get_settings
from backend.db.session import service_session
from backend.errors import Conflict, Invalid, Unauthenticated
from backend.limits import DISPLAY_NAME, USER_AGENT
from backend.ratelimit import AUTH
from backend.ratelimit import wait_message as ratelimit_wait_message
from backend.text import clean_line

WRONG_CREDENTIALS = "Email or password is incorrect."
# Full stops that IDNA, and so the account lookup, reads as "." in a domain.
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
# Says no more than needed about whether the address has an account.
EMAIL_NOT_AVAILABLE = "We couldn't create an account with this email address. If it's yours, sign in instead."


def attempt_address(email: str) -> str:
    """The address a sign-in or sign-up attempt is counted under: the one the account is looked up
    by, so every spelling of one address shares a budget. Input that is not a valid address still
    gets one form per spelling family (compatibility-normalised, case-folded)."""
    try:
        return normalize_email(email)
    except Invalid:
        return unicodedata.normalize("NFKC", email).translate(_IDNA_DOTS).casefold().strip()


def password_checklist(password: str) -> list[tuple[str, str, bool]]:
    return policy_checklist(password)


def safe_next(value: str | None) -> str:
    return safe_next_path(value)


def wait_message(retry_after: int | None) -> str:
    """How long to wait before signing in again (`None`: a whole rate-limit window)."""
    return ratelimit_wait_message(AUTH.window_seconds if retry_after is None else retry_after)


def clean_display_name(name: str | None) -> str:
    return clean_line(
        name,
        label="your name",
        field="name",
        min_len=DISPLAY_NAME.min_len,
        max_len=DISPLAY_NAME.max_len,
        length_error=f"Enter your name ({DISPLAY_NAME.min_len}–{DISPLAY_NAME.max_len} characters).",
    )


async def open_session(conn: AsyncConnection, user_id: uuid.UUID | str, user_agent: str) -> str:
    """Record a session row and return its signed token (the cookie value)."""
    settings = get_settings()
    now = datetime.now(UTC)
    jti = new_session_jti()
    await conn.execute(
        "insert into public.sessions (jti, user_id, created_at, expires_at, user_agent) values (%s, %s, %s, %s, %s)",
        (
            jti,
            user_id,
            now,
            now + timedelta(seconds=settings.session_ttl_seconds),
            (user_agent or "")[: USER_AGENT.max_len],
        ),
    )
    return issue_session_token(user_id, jti, now, settings.session_ttl_seconds, settings.session_secret)


async def sign_up(*, name: str, email: str, password: str, user_agent: str = "") -> str:
    display_name = clean_display_name(name)
    address = normalize_email(email)
    require_valid_password(password)
    password_hash = await hash_password_async(password)
    try:
        async with service_session() as conn:
            row = await (
                await conn.execute(
                    "select user_id from app.signup(%s, %s, %s)", (address, password_hash, display_name)
                )
            ).fetchone()
            return await open_session(conn, row["user_id"], user_agent)
    except Conflict:
        raise Conflict(EMAIL_NOT_AVAILABLE, field="email") from None


async def log_in(*, email: str, password: str, user_agent: str = "") -> str:
    """Check the password and open a session. bcrypt runs between two short units of work,
    never while holding a pooled connection, so a burst of sign-ins cannot starve the pool."""
    try:
        address = normalize_email(email)
    except Invalid:
        address = None
    row = None
    if address:
        async with service_session() as conn:
            row = await (
                await conn.execute("select id, password_hash from public.users where email = %s", (address,))
            ).fetchone()
    # Unknown emails still pay for one bcrypt check, so both failures look alike.
    if not await verify_password_or_dummy_async(password, row["password_hash"] if row else None):
        raise Unauthenticated(WRONG_CREDENTIALS, field="password")
    async with service_session(row["id"]) as conn:
        # The hash must still be the one just checked. The share lock makes a concurrent
        # password change wait for this session to exist, so that it revokes it too.
        current = await (
            await conn.execute(
                "select 1 from public.users where id = %s and password_hash = %s for share",
                (row["id"], row["password_hash"]),
            )
        ).fetchone()
        if current is None:
            raise Unauthenticated(WRONG_CREDENTIALS, field="password")
        return await open_session(conn, row["id"], user_agent)


async def log_out(*, token: str | None) -> None:
    try:
        claims = decode_session_token(token, get_settings().session_secret)
    except InvalidSessionToken:
        return
    async with service_session(claims.user_id) as conn:
        await conn.execute(
            "update public.sessions set revoked_at = now() where jti = %s and revoked_at is null",
            (claims.jti,),
        )
