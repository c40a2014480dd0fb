"""Password policy table and bcrypt hashing (real bcrypt, low cost passed explicitly)."""

from __future__ import annotations

import bcrypt
import pytest

from backend.auth import passwords
from backend.auth.passwords import (
    BCRYPT_COST,
    MAX_BYTES,
    POLICY_RULES,
    TOO_LONG_MESSAGE,
    hash_password,
    hash_password_async,
    needs_rehash,
    password_problems,
    policy_checklist,
    require_valid_password,
    verify_password,
    verify_password_async,
    verify_password_or_dummy,
    verify_password_or_dummy_async,
)
from backend.errors import Invalid

FAST = 4  # bcrypt's minimum cost, for speed; production code uses BCRYPT_COST


def unmet(password: str) -> set[str]:
    return {key for key, _label, met in policy_checklist(password) if not met}


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("", {"length", "upper", "lower", "digit", "special"}),
        ("Short1!", {"length"}),
        ("Abcdefgh1!"[:9], {"length", "special"}),
        ("alllowercase1!", {"upper"}),
        ("ALLUPPERCASE1!", {"lower"}),
        ("NoDigitsHere!!", {"digit"}),
        ("NoSpecial123ab", {"special"}),
        ("Good Pass 123", set()),  # a space counts as a special character
        ("Abcdefgh1!", set()),  # exactly 10 characters
        ("Ééééééééé1!", set()),  # non-ASCII upper and lower case letters count
        ("Passwort٣٣!x", set()),  # an Arabic-Indic digit counts as a digit
        ("密码密码密码密码Aa1!", set()),  # letters without case still count towards length
        ("😀😀😀😀😀😀😀Aa1", set()),  # emoji are special characters
    ],
)
def test_policy_table(password: str, missing: set[str]) -> None:
    assert unmet(password) == missing
    assert (password_problems(password) == []) == (not missing)


def test_rules_are_a_checklist_in_display_order() -> None:
    assert [rule.key for rule in POLICY_RULES] == ["length", "upper", "lower", "digit", "special"]
    assert all(rule.label[0].isupper() for rule in POLICY_RULES)


@pytest.mark.parametrize(
    ("password", "too_long"),
    [
        ("Aa1!" + "x" * (MAX_BYTES - 4), False),  # exactly 72 bytes
        ("Aa1!" + "x" * (MAX_BYTES - 3), True),  # 73 bytes
        ("Aa1!" + "é" * 34, False),  # 4 + 68 = 72 bytes, only 38 characters
        ("Aa1!" + "é" * 35, True),  # 74 bytes in 39 characters
        ("Aa1!" + "😀" * 18, True),  # 76 bytes in 22 characters
    ],
)
def test_72_byte_limit_counts_utf8_bytes(password: str, too_long: bool) -> None:
    assert (TOO_LONG_MESSAGE in password_problems(password)) is too_long


def test_over_long_password_is_refused_not_truncated() -> None:
    first_72 = "Aa1!" + "x" * (MAX_BYTES - 4)
    with pytest.raises(Invalid) as caught:
        hash_password(first_72 + "tail", rounds=FAST)
    assert caught.value.field == "password"
    assert "72 bytes" in caught.value.detail
    assert first_72 not in caught.value.detail
    hashed = hash_password(first_72, rounds=FAST)
    assert not verify_password(first_72 + "tail", hashed)


def test_require_valid_password_names_what_is_missing_never_the_password() -> None:
    secret = "weakpassword"
    with pytest.raises(Invalid) as caught:
        require_valid_password(secret)
    detail = caught.value.detail
    assert caught.value.field == "password"
    assert "upper-case letter" in detail and "digit" in detail and "special character" in detail
    assert secret not in detail
    require_valid_password("Correct Horse 9")


def test_wrong_password_and_malformed_hash_are_rejected() -> None:
    hashed = hash_password("Correct Horse 9", rounds=FAST)
    assert hashed.startswith("$2b$04$")
    assert not verify_password("correct horse 9", hashed)
    assert not verify_password("Correct Horse 9", "not-a-bcrypt-hash")
    assert not verify_password("Correct Horse 9", "")
    assert verify_password("Correct Horse 9", hashed)


def test_hashes_are_salted() -> None:
    assert hash_password("Correct Horse 9", rounds=FAST) != hash_password("Correct Horse 9", rounds=FAST)


def test_default_cost_is_12() -> None:
    assert BCRYPT_COST == 12
    assert needs_rehash(hash_password("Correct Horse 9", rounds=FAST))
    assert needs_rehash("garbage")
    assert not needs_rehash("$2b$12$" + "x" * 53)


def test_unicode_normalisation_composed_and_decomposed_match() -> None:
    composed, decomposed = "Caf\u00e9 au lait 1", "Cafe\u0301 au lait 1"
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed, rounds=FAST))


def test_unknown_email_spends_a_bcrypt_check_at_the_real_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    costs: list[int] = []
    real_checkpw = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        costs.append(int(hashed.split(b"$")[2]))
        return real_checkpw(password, hashed)

    monkeypatch.setattr(passwords.bcrypt, "checkpw", spy)
    assert verify_password_or_dummy("Correct Horse 9", None, rounds=FAST) is False
    assert costs == [FAST]
    # An over-long password against a real account must cost the same as well.
    assert verify_password("Aa1!" + "x" * 80, hash_password("Correct Horse 9", rounds=5)) is False
    assert costs == [FAST, 5]


async def test_async_variants_run_off_the_event_loop() -> None:
    hashed = await hash_password_async("Correct Horse 9", rounds=FAST)
    assert await verify_password_async("Correct Horse 9", hashed)
    assert not await verify_password_async("Wrong Horse 9", hashed)
    assert not await verify_password_or_dummy_async("Correct Horse 9", None, rounds=FAST)
    assert await verify_password_or_dummy_async("Correct Horse 9", hashed, rounds=FAST)
