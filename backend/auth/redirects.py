"""Where to send a user after sign-in: same-origin paths only (no open redirect)."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from backend import routes

DEFAULT_NEXT_PATH = routes.CHAT
MAX_NEXT_LENGTH = 2048


def _has_unsafe_character(value: str) -> bool:
    # Browsers drop tabs and newlines inside URLs and treat "\" like "/", so
    # "/\t/evil.example" or "/\\evil.example" would leave the site.
    return any(char == "\\" or char.isspace() or unicodedata.category(char).startswith("C") for char in value)


def _leaves_origin(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return True
    parts = urlsplit(path)
    return bool(parts.scheme or parts.netloc)


def safe_next_path(value: str | None, default: str = DEFAULT_NEXT_PATH) -> str:
    """`value` when it is a same-origin absolute path like "/chat?x=1", else `default`."""
    if not value or len(value) > MAX_NEXT_LENGTH:
        return default
    if _has_unsafe_character(value) or _leaves_origin(value):
        return default
    # A server or proxy that decodes the path once more must not find an escape
    # either ("/%2F%2Fevil", "/%5Cevil"); encoded spaces in a query stay allowed.
    decoded_path = unquote(urlsplit(value).path)
    if _leaves_origin(decoded_path) or any(
        char == "\\" or unicodedata.category(char).startswith("C") for char in decoded_path
    ):
        return default
    return value
