"""Sign-up, sign-in and sign-out: accounts and their revocable sessions."""

from __future__ import annotations

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
from backend.ratelimit import AUTH
from backend.ratelimit import wait_message as ratelimit_wait_message

WRONG_CREDENTIALS = "Email or password is incorrect."


def password_checklist(password: str) -> list[tuple[str, str, bool]]:
    return policy_checklist(password)


def safe_next(value: str | None) -> str:
    return safe_next_path(value)


def wait_message(retry_after: int | None) -> str:
    """How long to wait before signing in again (`None`: a whole rate-limit window)."""
    return ratelimit_wait_message(AUTH.window_seconds if retry_after is None else retry_after)


def clean_display_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not 1 <= len(cleaned) <= 100:
        raise Invalid("Enter your name (1–100 characters).", field="name")
    return cleaned


async def open_session(conn: AsyncConnection, user_id: uuid.UUID | str, user_agent: str) -> str:
    """Record a session row and return its signed token (the cookie value)."""
    settings = get_settings()
    now = datetime.now(UTC)
    jti = new_session_jti()
    await conn.execute(
        "insert into public.sessions (jti, user_id, created_at, expires_at, user_agent) values (%s, %s, %s, %s, %s)",
        (jti, user_id, now, now + timedelta(seconds=settings.session_ttl_seconds), (user_agent or "")[:512]),
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
    except Conflict as taken:
        raise Conflict(f"{taken.detail} Sign in instead, or use another address.", field="email") from None


async def log_in(*, email: str, password: str, user_agent: str = "") -> str:
    try:
        address = normalize_email(email)
    except Invalid:
        address = None
    async with service_session() as conn:
        row = None
        if address:
            row = await (
                await conn.execute("select id, password_hash from public.users where email = %s", (address,))
            ).fetchone()
        # Unknown emails still pay for one bcrypt check, so both failures look alike.
        if not await verify_password_or_dummy_async(password, row["password_hash"] if row else None):
            raise Unauthenticated(WRONG_CREDENTIALS, field="password")
        await conn.execute("select set_config('app.user_id', %s, true)", (str(row["id"]),))
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
