"""Guessing the current password on the change-password form is limited like sign-in."""

from __future__ import annotations

import pytest

from backend.errors import Invalid, RateLimited
from backend.services import profile, sessions
from tests.integration.factories import PASSWORD, person


@pytest.fixture(scope="module", autouse=True)
def _database(migrated_database: str) -> str:
    return migrated_database


async def test_eleventh_wrong_current_password_is_refused_even_when_right() -> None:
    someone = await person("guesser")
    jti = (await sessions.resolve_session(someone.cookie)).jti
    for attempt in range(10):
        with pytest.raises(Invalid):
            await profile.change_password(
                user_id=someone.user_id,
                current_jti=jti,
                current_password=f"Wrong-guess-{attempt}!",
                new_password="Brand-new-pass-1!",
            )
    with pytest.raises(RateLimited, match="Too many attempts"):
        await profile.change_password(
            user_id=someone.user_id,
            current_jti=jti,
            current_password=PASSWORD,
            new_password="Brand-new-pass-1!",
        )


async def test_another_users_budget_is_untouched() -> None:
    someone = await person("unaffected")
    jti = (await sessions.resolve_session(someone.cookie)).jti
    revoked = await profile.change_password(
        user_id=someone.user_id, current_jti=jti, current_password=PASSWORD, new_password="Brand-new-pass-1!"
    )
    assert revoked == 0


async def test_the_right_current_password_gives_its_attempt_back() -> None:
    someone = await person("mistyper")
    jti = (await sessions.resolve_session(someone.cookie)).jti
    for attempt in range(9):
        with pytest.raises(Invalid):
            await profile.change_password(
                user_id=someone.user_id,
                current_jti=jti,
                current_password=f"Wrong-guess-{attempt}!",
                new_password="Brand-new-pass-1!",
            )
    await profile.change_password(
        user_id=someone.user_id, current_jti=jti, current_password=PASSWORD, new_password="Brand-new-pass-1!"
    )
    # Nine wrong guesses are counted; the change that succeeded is not, so one guess is left.
    with pytest.raises(Invalid):
        await profile.change_password(
            user_id=someone.user_id,
            current_jti=jti,
            current_password="Wrong-guess-9!",
            new_password="Another-pass-2!",
        )
    with pytest.raises(RateLimited):
        await profile.change_password(
            user_id=someone.user_id,
            current_jti=jti,
            current_password="Brand-new-pass-1!",
            new_password="Another-pass-2!",
        )
