"""Password policy and bcrypt hashing.

bcrypt reads at most 72 bytes of its input, so longer passwords are refused rather
than silently truncated (two passwords sharing their first 72 bytes would otherwise
both be accepted). Passwords are NFC-normalised before hashing so the same password
typed on different keyboards (composed or decomposed accents) hashes the same.

bcrypt releases the GIL: async handlers use the `*_async` variants, which run it in a
worker thread instead of blocking the event loop for ~235 ms at cost 12.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import bcrypt

from backend.errors import Invalid

BCRYPT_COST = 12
MIN_LENGTH = 10
MAX_BYTES = 72


@dataclass(frozen=True)
class PolicyRule:
    key: str
    label: str
    is_met: Callable[[str], bool]


# The checklist shown live under the password field, in display order.
POLICY_RULES: tuple[PolicyRule, ...] = (
    PolicyRule("length", f"At least {MIN_LENGTH} characters", lambda pw: len(pw) >= MIN_LENGTH),
    PolicyRule("upper", "An upper-case letter", lambda pw: any(c.isupper() for c in pw)),
    PolicyRule("lower", "A lower-case letter", lambda pw: any(c.islower() for c in pw)),
    PolicyRule("digit", "A digit", lambda pw: any(c.isdigit() for c in pw)),
    PolicyRule(
        "special",
        "A special character, such as ! ? # or a space",
        lambda pw: any(not c.isalnum() for c in pw),
    ),
)

TOO_LONG_MESSAGE = (
    f"Use a password of at most {MAX_BYTES} bytes "
    "(about 72 plain letters; accented letters and emoji count as 2 to 4)."
)


BROKEN_CHARACTER = (
    "Your password contains a broken character (half of an emoji or symbol). Type it again without it."
)


def _normalized(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def _encoded(password: str, *, field: str = "password") -> bytes:
    """UTF-8 of the NFC form; a lone surrogate (no UTF-8 exists for it) is refused, not a crash."""
    try:
        return _normalized(password).encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(BROKEN_CHARACTER, field=field) from None


def policy_checklist(password: str) -> list[tuple[str, str, bool]]:
    """(key, label, met) for each rule, for a live checklist while typing."""
    normalized = _normalized(password)
    return [(rule.key, rule.label, rule.is_met(normalized)) for rule in POLICY_RULES]


def password_problems(password: str) -> list[str]:
    """Labels of unmet rules (plus the length cap); empty when the password is acceptable."""
    problems = [label for _key, label, met in policy_checklist(password) if not met]
    if len(_encoded(password)) > MAX_BYTES:
        problems.append(TOO_LONG_MESSAGE)
    return problems


def require_valid_password(password: str, *, field: str = "password") -> None:
    """Raise Invalid with a sentence listing what is missing (never the password itself)."""
    _encoded(password, field=field)
    problems = password_problems(password)
    if not problems:
        return
    if problems == [TOO_LONG_MESSAGE]:
        raise Invalid(TOO_LONG_MESSAGE, field=field)
    missing = [p for p in problems if p != TOO_LONG_MESSAGE]
    detail = "Your password needs: " + "; ".join(p[0].lower() + p[1:] for p in missing) + "."
    if TOO_LONG_MESSAGE in problems:
        detail += " " + TOO_LONG_MESSAGE
    raise Invalid(detail, field=field)


def hash_password(password: str, *, rounds: int = BCRYPT_COST) -> str:
    """bcrypt hash as text. Raises Invalid for a password over 72 bytes (policy is the caller's job)."""
    encoded = _encoded(password)
    if len(encoded) > MAX_BYTES:
        raise Invalid(TOO_LONG_MESSAGE, field="password")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when the password matches; False for a mismatch, an over-long password or a malformed hash."""
    encoded = _encoded(password)
    if len(encoded) > MAX_BYTES:
        # Still spend the bcrypt work, or a long password would reveal that the account exists.
        return dummy_verify(password, rounds=_cost_of(password_hash) or BCRYPT_COST)
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False


def _cost_of(password_hash: str) -> int | None:
    try:
        cost = int(password_hash.split("$")[2])
    except (IndexError, ValueError):
        return None
    return cost if 4 <= cost <= 31 else None


@cache
def _dummy_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(rounds))


def dummy_verify(password: str, *, rounds: int = BCRYPT_COST) -> bool:
    """Spend the same bcrypt work as a real check, for an unknown email. Always False."""
    encoded = _encoded(password)[:MAX_BYTES]
    bcrypt.checkpw(encoded, _dummy_hash(rounds))
    return False


def verify_password_or_dummy(password: str, password_hash: str | None, *, rounds: int = BCRYPT_COST) -> bool:
    """One call for sign-in: unknown account (None) and wrong password cost about the same time."""
    if password_hash is None:
        return dummy_verify(password, rounds=rounds)
    return verify_password(password, password_hash)


def needs_rehash(password_hash: str, *, rounds: int = BCRYPT_COST) -> bool:
    """True when the stored hash uses a lower cost than wanted (rehash after a successful sign-in)."""
    cost = _cost_of(password_hash)
    return cost is None or cost < rounds


async def hash_password_async(password: str, *, rounds: int = BCRYPT_COST) -> str:
    return await asyncio.to_thread(hash_password, password, rounds=rounds)


async def verify_password_async(password: str, password_hash: str) -> bool:
    return await asyncio.to_thread(verify_password, password, password_hash)


async def verify_password_or_dummy_async(
    password: str, password_hash: str | None, *, rounds: int = BCRYPT_COST
) -> bool:
    return await asyncio.to_thread(verify_password_or_dummy, password, password_hash, rounds=rounds)
