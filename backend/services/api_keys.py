"""Bring-your-own-key: store, describe, delete and resolve a user's Anthropic API key.

`user_api_keys` is reachable only as skopx_service, in a unit of work acting for the user
(`service_session(actor_id=user_id)`), whose policies confine it to that user's own row. The key
is encrypted with the "apikeys" keyring bound to (user id, row id); only `key_last4` is kept in
clear for display, so describing a key never decrypts it. No key ever reaches a log line, an
error message or a repr.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from backend.config import Settings, get_settings
from backend.crypto import DecryptionError, decrypt, encrypt, validate_anthropic_key
from backend.crypto.api_keys import ANTHROPIC_PREFIX, VISIBLE_SUFFIX
from backend.db.session import service_session
from backend.errors import AppError, Invalid, Unavailable
from backend.llm.errors import LLMError
from backend.llm.verify import verify_api_key
from backend.text import clean_line

log = logging.getLogger("skopx.api_keys")

PURPOSE = "apikeys"
PROVIDER = "anthropic"
ADD_KEY_MESSAGE = "Add your Anthropic API key in Settings to start chatting."
KeySource = Literal["user", "server", "demo"]


class ApiKeyRequired(AppError):
    """No key can pay for a model call: neither the user's own nor the workspace's."""

    code = "api_key_required"

    default_detail = ADD_KEY_MESSAGE


class ApiKeyUnreadable(AppError):
    """The user's stored key exists but cannot be decrypted (e.g. its keyring key was removed)."""

    status_code = 500
    default_detail = (
        "Your saved Anthropic API key can no longer be read. Delete it in Settings and add it again."
    )


@dataclass(frozen=True)
class KeySummary:
    """What the settings page may show: never the key, only its masked form."""

    provider: str
    masked: str
    last4: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ResolvedKey:
    """The key that pays for a model call and whose it is. `repr` never shows the key."""

    api_key: str = field(repr=False)
    source: KeySource

    def __str__(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class SaveResult:
    summary: KeySummary
    replaced: bool
    verified: bool


def masked_from_last4(last4: str) -> str:
    return f"{ANTHROPIC_PREFIX}****{last4}"


def _summary(row: dict) -> KeySummary:
    return KeySummary(
        provider=row["provider"],
        masked=masked_from_last4(row["key_last4"]),
        last4=row["key_last4"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _verify(api_key: str, settings: Settings) -> None:
    """One cheap call; every failure becomes a sentence that says what to do (never the key)."""
    try:
        await verify_api_key(api_key, base_url=settings.anthropic_base_url)
    except LLMError as error:
        log.info("anthropic key verification failed: kind=%s status=%s", error.kind, error.status)
        if error.kind == "invalid_key":
            raise Invalid(
                "Anthropic rejected this key. Check that you copied the whole key and that it "
                "hasn't been revoked, or create a new one in the Anthropic Console.",
                field="api_key",
            ) from None
        raise Unavailable(
            "We couldn't reach Anthropic to verify the key, so it was not saved. Try again in a "
            "moment, or untick “Verify with Anthropic” to save it without checking.",
        ) from None


_SELECT = "select id, provider, key_last4, created_at, updated_at from public.user_api_keys"
_RETURNING = " returning id, provider, key_last4, created_at, updated_at"


async def save_anthropic_key(
    *, user_id: str, api_key: str, verify: bool, settings: Settings | None = None
) -> SaveResult:
    """Validate (and optionally verify), encrypt and store the user's key, replacing any previous one."""
    key = validate_anthropic_key(clean_line(api_key, label="the API key", field="api_key", min_len=0))
    if verify:
        await _verify(key, settings or get_settings())
    last4 = key[-VISIBLE_SUFFIX:]
    async with service_session(actor_id=user_id) as conn:
        for _ in range(2):  # a concurrent first save may win the insert; then replace its row
            existing = await (
                await conn.execute(
                    "select id from public.user_api_keys where user_id = %s and provider = %s for update",
                    (user_id, PROVIDER),
                )
            ).fetchone()
            if existing is not None:
                # The ciphertext is bound to the row id, so a replacement keeps the row's id.
                token = encrypt(PURPOSE, key, scope_id=user_id, row_id=existing["id"])
                row = await (
                    await conn.execute(
                        "update public.user_api_keys set key_ciphertext = %s, key_last4 = %s"
                        " where id = %s" + _RETURNING,
                        (token, last4, existing["id"]),
                    )
                ).fetchone()
                replaced = True
            else:
                row_id = uuid.uuid4()
                token = encrypt(PURPOSE, key, scope_id=user_id, row_id=row_id)
                row = await (
                    await conn.execute(
                        "insert into public.user_api_keys (id, user_id, provider, key_ciphertext, key_last4)"
                        " values (%s, %s, %s, %s, %s) on conflict (user_id, provider) do nothing"
                        + _RETURNING,
                        (row_id, user_id, PROVIDER, token, last4),
                    )
                ).fetchone()
                replaced = False
            if row is not None:
                break
        else:  # pragma: no cover - needs two concurrent deletes and inserts in between
            raise AppError("Your key changed elsewhere at the same moment. Please try again.")
    log.info("stored %s API key for user %s (replaced=%s, verified=%s)", PROVIDER, user_id, replaced, verify)
    return SaveResult(summary=_summary(row), replaced=replaced, verified=verify)


async def describe_anthropic_key(*, user_id: str) -> KeySummary | None:
    """The masked key and its dates, or None. Never decrypts."""
    async with service_session(actor_id=user_id) as conn:
        row = await (
            await conn.execute(_SELECT + " where user_id = %s and provider = %s", (user_id, PROVIDER))
        ).fetchone()
    return _summary(row) if row else None


async def delete_anthropic_key(*, user_id: str) -> bool:
    """Remove the user's key at once; True if there was one. The audit trigger records it, redacted."""
    async with service_session(actor_id=user_id) as conn:
        cursor = await conn.execute(
            "delete from public.user_api_keys where user_id = %s and provider = %s", (user_id, PROVIDER)
        )
        deleted = cursor.rowcount > 0
    log.info("deleted %s API key for user %s (existed=%s)", PROVIDER, user_id, deleted)
    return deleted


def fallback_source(*, settings: Settings | None = None) -> Literal["server", "demo"] | None:
    """Which key chat falls back to when the user has none of their own (no decryption, no DB)."""
    settings = settings or get_settings()
    if settings.anthropic_api_key:
        return "server"
    if settings.fake_llm:
        return "demo"
    return None


async def resolve_anthropic_key(*, user_id: str, settings: Settings | None = None) -> ResolvedKey:
    """The key a model call for this user uses: their own, else the server's, else the demo model.

    Raises `ApiKeyRequired` (detail: ADD_KEY_MESSAGE) when there is none, and `ApiKeyUnreadable` when
    the user's stored key cannot be decrypted (it is not silently replaced by the server's key).
    For source "demo" the api_key is empty: the fake model needs none.
    """
    async with service_session(actor_id=user_id) as conn:
        row = await (
            await conn.execute(
                "select id, key_ciphertext from public.user_api_keys where user_id = %s and provider = %s",
                (user_id, PROVIDER),
            )
        ).fetchone()
    if row is not None:
        try:
            plaintext = decrypt(PURPOSE, row["key_ciphertext"], scope_id=user_id, row_id=row["id"])
        except DecryptionError as error:
            log.warning("stored %s API key of user %s is unreadable: %s", PROVIDER, user_id, error.reason)
            raise ApiKeyUnreadable() from None
        return ResolvedKey(api_key=plaintext.decode(), source="user")
    settings = settings or get_settings()
    source = fallback_source(settings=settings)
    if source == "server":
        return ResolvedKey(api_key=settings.anthropic_api_key or "", source="server")
    if source == "demo":
        return ResolvedKey(api_key="", source="demo")
    raise ApiKeyRequired()
