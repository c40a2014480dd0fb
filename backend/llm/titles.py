"""Conversation titles from the first message, without a model call."""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 60
DEFAULT_TITLE = "New conversation"
ELLIPSIS = "…"
_LEADING_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|```\w*\s*)+")


def title_from_first_message(text: str, max_chars: int = MAX_TITLE_CHARS) -> str:
    """First non-empty line, whitespace collapsed, cut on a word boundary to at most `max_chars`."""
    for raw_line in (text or "").splitlines():
        line = " ".join(_LEADING_MARKUP.sub("", raw_line.strip()).split())
        if line:
            break
    else:
        return DEFAULT_TITLE
    if len(line) <= max_chars:
        return line
    room = max_chars - len(ELLIPSIS)
    cut = line[: room + 1].rfind(" ")
    head = line[:cut] if cut > room // 2 else line[:room]
    return head.rstrip(" ,;:.-–—") + ELLIPSIS
