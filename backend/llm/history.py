"""Which earlier messages are sent to Claude, within a token budget.

The estimate is deliberately cheap (about four characters per token plus a small
per-message overhead); the budget leaves headroom for that imprecision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4
ROLES = ("user", "assistant")


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_message_tokens(message: Mapping[str, str]) -> int:
    return estimate_tokens(message["content"]) + MESSAGE_OVERHEAD_TOKENS


def _field(message: Any, name: str) -> Any:
    return message.get(name) if isinstance(message, Mapping) else getattr(message, name, None)


def _normalized(messages: Iterable[Any]) -> list[dict[str, str]]:
    """`{"role", "content"}` dicts, skipping other roles and empty messages (the API rejects them)."""
    result = []
    for message in messages:
        role, content = _field(message, "role"), _field(message, "content")
        if role in ROLES and isinstance(content, str) and content.strip():
            result.append({"role": role, "content": content})
    return result


def _merge_same_role(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Join consecutive messages of one role (e.g. a user message after a failed reply)."""
    merged: list[dict[str, str]] = []
    for message in messages:
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1] = {
                "role": message["role"],
                "content": f"{merged[-1]['content']}\n\n{message['content']}",
            }
        else:
            merged.append(dict(message))
    return merged


def assemble_history(messages: Iterable[Any], budget_tokens: int) -> list[dict[str, str]]:
    """The most recent messages (oldest first) whose estimated size fits `budget_tokens`.

    `messages` are oldest first, as dicts or objects with `role` and `content`. The latest
    user message is always kept (even alone over budget) and anything after it is dropped;
    older messages are dropped whole, oldest first, and never skipped over, so the kept
    history is contiguous; the result starts with a user message and alternates roles.
    Returns [] when there is no user message.
    """
    history = _normalized(messages)
    latest_user = next((i for i in range(len(history) - 1, -1, -1) if history[i]["role"] == "user"), None)
    if latest_user is None:
        return []
    kept = [history[latest_user]]
    used = estimate_message_tokens(history[latest_user])
    for message in reversed(history[:latest_user]):
        cost = estimate_message_tokens(message)
        if used + cost > budget_tokens:
            break
        kept.append(message)
        used += cost
    kept.reverse()
    while kept[0]["role"] != "user":
        kept.pop(0)
    return _merge_same_role(kept)
