"""The signed-in user's own account: display name, password, sessions, deletion."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from backend.auth.passwords import hash_password_async, require_valid_password, verify_password_async
from backend.db.errors import expect_row
from backend.db.session import service_session, tenant_session
from backend.errors import Conflict, Invalid, NotFound, Unavailable
from backend.ratelimit import AUTH, get_async_limiter
from backend.services.accounts import clean_display_name
from backend.text import clean_line

ACCOUNT_GONE = "We couldn't find your account. Please sign in again."
WRONG_PASSWORD = "Your current password is incorrect."  # noqa: S105 - a message, not a secret


@dataclass(frozen=True)
class ProfileView:
    name: str
    email: str
    other_sessions: int


async def get_profile(*, user_id: str, current_jti: str = "") -> ProfileView:
    async with tenant_session(user_id) as conn:
        user = expect_row(
            await (
                await conn.execute("select display_name, email from public.users where id = %s", (user_id,))
            ).fetchone(),
            not_found=ACCOUNT_GONE,
        )
        sessions = await (
            await conn.execute(
                "select count(*) as n from public.sessions where user_id = %s and jti::text <> %s"
                " and revoked_at is null and expires_at > now()",
                (user_id, current_jti or ""),
            )
        ).fetchone()
    return ProfileView(name=user["display_name"], email=user["email"], other_sessions=sessions["n"])


async def update_display_name(*, user_id: str, name: str) -> str:
    cleaned = clean_display_name(name)
    async with tenant_session(user_id) as conn:
        row = await (
            await conn.execute(
                "update public.users set display_name = %s where id = %s returning display_name",
                (cleaned, user_id),
            )
        ).fetchone()
    return expect_row(row, not_found=ACCOUNT_GONE)["display_name"]


async def change_password(*, user_id: str, current_jti: str, current_password: str, new_password: str) -> int:
    """Verify, hash off the event loop, store, and revoke every OTHER session; returns how many."""
    if not current_password:
        raise Invalid("Enter your current password.", field="current_password")
    require_valid_password(new_password, field="new_password")
    if new_password == current_password:
        raise Invalid("Choose a new password that differs from the current one.", field="new_password")
    # Guessing the current password from a hijacked session counts against the same budget as
    # sign-in: counted before the check, so concurrent guesses cannot outrun it, and given back
    # once the password proved right.
    limiter, attempts_key = get_async_limiter(), f"password-change:{user_id}"
    (await limiter.hit(AUTH, attempts_key)).raise_if_refused()
    # The app role cannot read or write password hashes; the service role acts for this user only.
    async with service_session(user_id) as conn:
        row = await (
            await conn.execute("select password_hash from public.users where id = %s", (user_id,))
        ).fetchone()
    old_hash = expect_row(row, not_found=ACCOUNT_GONE)["password_hash"]
    if not await verify_password_async(current_password, old_hash):
        raise Invalid(WRONG_PASSWORD, field="current_password")
    with suppress(Unavailable):  # unrefunded, the attempt just stays counted
        await limiter.refund(AUTH, attempts_key)
    new_hash = await hash_password_async(new_password)
    async with service_session(user_id) as conn:
        cursor = await conn.execute(
            # Compare-and-set: a concurrent change in between makes this one fail instead of winning silently.
            "update public.users set password_hash = %s where id = %s and password_hash = %s",
            (new_hash, user_id, old_hash),
        )
        if not cursor.rowcount:
            raise Conflict("Your password was changed elsewhere a moment ago. Reload and try again.")
        revoked = await conn.execute(
            "update public.sessions set revoked_at = now()"
            " where user_id = %s and jti::text <> %s and revoked_at is null",
            (user_id, current_jti or ""),
        )
        return int(revoked.rowcount)


async def sole_owner_blockers(*, user_id: str) -> list[str]:
    """Names of organizations where the user is the only owner and others are members."""
    async with tenant_session(user_id) as conn:
        rows = await (
            await conn.execute(
                "select o.name from public.organizations o"
                " join public.organization_members me on me.organization_id = o.id"
                " where me.user_id = %s and me.role = 'owner'"
                " and not exists (select 1 from public.organization_members m where m.organization_id = o.id"
                "   and m.role = 'owner' and m.user_id <> me.user_id)"
                " and exists (select 1 from public.organization_members m where m.organization_id = o.id"
                "   and m.user_id <> me.user_id)"
                " order by o.name",
                (user_id,),
            )
        ).fetchall()
    return [r["name"] for r in rows]


async def delete_account(*, user_id: str, confirm_email: str) -> None:
    """Delete the user and every organization they are alone in; refused while sole owner of a team."""
    async with tenant_session(user_id) as conn:
        me = await (await conn.execute("select email from public.users where id = %s", (user_id,))).fetchone()
    if me is None:
        raise NotFound(ACCOUNT_GONE)
    typed = clean_line(confirm_email, label="the confirmation", field="confirm_email", min_len=0)
    if typed.lower() != me["email"]:
        raise Invalid(f"To confirm, type your email address exactly: {me['email']}", field="confirm_email")
    blockers = await sole_owner_blockers(user_id=user_id)
    if blockers:
        raise Conflict(_blocker_sentence(blockers))
    try:
        async with tenant_session(user_id) as conn:
            await conn.execute("select app.delete_account()")
    except Conflict as error:  # raced with a membership change: same advice
        raise Conflict(_blocker_sentence(await sole_owner_blockers(user_id=user_id))) from error


def _blocker_sentence(names: list[str]) -> str:
    if not names:
        return "You are the only owner of an organization with other members. Transfer ownership first."
    listed = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    plural = "these organizations" if len(names) > 1 else "this organization"
    return (
        f"You are the only owner of {listed}, which still has other members. Make someone else an owner of "
        f"{plural} (Settings → Members → Transfer ownership), or delete it, before deleting your account."
    )
