"""Display and format rules for user-supplied (BYOK) API keys. Nothing here echoes a key."""

from __future__ import annotations

import re

from backend.errors import Invalid

ANTHROPIC_PREFIX = "sk-ant-"
ANTHROPIC_MIN_LENGTH = 40
ANTHROPIC_MAX_LENGTH = 200
VISIBLE_SUFFIX = 4
_MASK = "****"
_KEY_CHARSET = re.compile(r"[A-Za-z0-9_-]+")


def mask_api_key(key: str) -> str:
    """`sk-ant-api03-...wxyz` -> `sk-ant-****wxyz`. Short keys show no characters at all."""
    prefix = ANTHROPIC_PREFIX if key.startswith(ANTHROPIC_PREFIX) else ""
    hidden_length = len(key) - len(prefix) - VISIBLE_SUFFIX
    # Revealing the last 4 is safe only when far more than 4 characters stay hidden.
    suffix = key[-VISIBLE_SUFFIX:] if hidden_length >= 16 else ""
    return f"{prefix}{_MASK}{suffix}"


def validate_anthropic_key(candidate: str, *, field: str = "api_key") -> str:
    """Return the key stripped of surrounding whitespace, or raise Invalid (without the key)."""
    key = candidate.strip()
    if not key:
        raise Invalid("Enter your Anthropic API key.", field=field)
    if not key.startswith(ANTHROPIC_PREFIX):
        raise Invalid(f"Anthropic API keys start with “{ANTHROPIC_PREFIX}”.", field=field)
    if not ANTHROPIC_MIN_LENGTH <= len(key) <= ANTHROPIC_MAX_LENGTH:
        raise Invalid(
            f"That doesn't look like a complete Anthropic API key: expected "
            f"{ANTHROPIC_MIN_LENGTH}-{ANTHROPIC_MAX_LENGTH} characters, got {len(key)}.",
            field=field,
        )
    if not _KEY_CHARSET.fullmatch(key):
        raise Invalid(
            "That key contains characters an Anthropic API key never has "
            "(only letters, digits, '-' and '_' are allowed; check for spaces or quotes).",
            field=field,
        )
    return key
