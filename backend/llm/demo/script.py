"""Behaviour of the fake Anthropic server: valid keys, scripted replies, injected errors, token rate.

Everything here is plain data that tests (or another process, through `POST /_fake/script`)
change between requests. Tokens are whole words with their trailing whitespace, so
`"".join(tokens) == reply` and the count is what `usage.output_tokens` reports.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

DEFAULT_VALID_KEYS = ("sk-ant-test-valid",)
DEFAULT_TOKENS_PER_SECOND = 200.0

# Error kinds answered before any byte of the response: (HTTP status, Anthropic error type, message).
STATUS_ERRORS: dict[str, tuple[int, str, str]] = {
    "invalid_request": (400, "invalid_request_error", "messages: field required"),
    "authentication": (401, "authentication_error", "invalid x-api-key"),
    "permission": (
        403,
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    "not_found": (404, "not_found_error", "model: not found"),
    "rate_limit": (
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
    ),
    "api_error": (500, "api_error", "Internal server error"),
    "overloaded": (529, "overloaded_error", "Overloaded"),
}
# Error kinds that happen during a stream, after `after_tokens` text deltas.
STREAM_ERRORS = {"drop", "stall", "stream_error"}
ALL_ERROR_KINDS = {*STATUS_ERRORS, *STREAM_ERRORS, "hang"}

_FILLER = [
    "Skopx",
    "streams",
    "this",
    "local",
    "demo",
    "reply",
    "one",
    "word",
    "at",
    "a",
    "time",
    "so",
    "the",
    "interface",
    "can",
    "be",
    "exercised",
    "without",
    "a",
    "real",
    "model.",
]
_TOKEN_PATTERN = re.compile(r"\s*\S+\s*")


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Anthropic's error shape."""
    return {"type": "error", "error": {"type": error_type, "message": message}}


def split_tokens(text: str) -> list[str]:
    return _TOKEN_PATTERN.findall(text) or ([text] if text else [])


def estimate_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4)) if text else 0


def content_text(content: Any) -> str:
    """Text of a message `content` (a string or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(block.get("text", "") for block in content if isinstance(block, dict))
    return ""


def count_input_tokens(body: dict[str, Any]) -> int:
    system = body.get("system") or ""
    parts = [content_text(system) if not isinstance(system, str) else system]
    parts += [content_text(message.get("content")) for message in body.get("messages") or []]
    return sum(estimate_tokens(part) for part in parts) + 3 * len(body.get("messages") or [])


@dataclass
class InjectedError:
    kind: str
    after_tokens: int = 0
    retry_after: int = 1
    seconds: float = 3600.0
    error_type: str = "overloaded_error"

    @classmethod
    def from_json(cls, raw: str | dict[str, Any]) -> InjectedError:
        data = {"kind": raw} if isinstance(raw, str) else dict(raw)
        if data.get("kind") not in ALL_ERROR_KINDS:
            raise ValueError(f"unknown error kind {data.get('kind')!r}; use one of {sorted(ALL_ERROR_KINDS)}")
        if "type" in data:
            data["error_type"] = data.pop("type")
        return cls(**data)


@dataclass
class Reply:
    tokens: list[str]
    stop_reason: str = "end_turn"

    @property
    def text(self) -> str:
        return "".join(self.tokens)


@dataclass
class FakeAnthropicScript:
    """Mutable, thread-safe behaviour of one fake server."""

    valid_keys: set[str] = field(default_factory=lambda: set(DEFAULT_VALID_KEYS))
    tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND
    default_reply: str | None = None  # None: quote the user's last message
    reply_tokens: int | None = None  # pad/trim default replies to this many tokens
    replies: deque[str] = field(default_factory=deque)
    errors: deque[InjectedError] = field(default_factory=deque)
    record_token_times: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, settings: dict[str, Any]) -> None:
        """Apply `POST /_fake/script` settings; keys left out keep their value."""
        with self._lock:
            if "valid_keys" in settings:
                self.valid_keys = set(settings["valid_keys"])
            if "tokens_per_second" in settings:
                self.tokens_per_second = float(settings["tokens_per_second"])
            if "reply" in settings:
                self.default_reply = settings["reply"]
            if "reply_tokens" in settings:
                self.reply_tokens = settings["reply_tokens"]
            if "record_token_times" in settings:
                self.record_token_times = bool(settings["record_token_times"])
            if "replies" in settings:
                self.replies.extend(settings["replies"])
            if "errors" in settings:
                self.errors.extend(InjectedError.from_json(item) for item in settings["errors"])

    def reset(self) -> None:
        with self._lock:
            fresh = FakeAnthropicScript()
            for name in ("valid_keys", "tokens_per_second", "default_reply", "reply_tokens", "replies"):
                setattr(self, name, getattr(fresh, name))
            self.errors.clear()
            self.requests.clear()
            self.record_token_times = False

    def add_errors(self, *errors: str | dict[str, Any]) -> None:
        self.configure({"errors": list(errors)})

    def add_replies(self, *replies: str) -> None:
        self.configure({"replies": list(replies)})

    def is_valid_key(self, key: str | None) -> bool:
        with self._lock:
            return key is not None and key in self.valid_keys

    def next_error(self) -> InjectedError | None:
        with self._lock:
            return self.errors.popleft() if self.errors else None

    def record(self, *, api_key: str | None, headers: dict[str, str], body: Any) -> dict[str, Any]:
        entry = {"received_at": time.time(), "api_key": api_key, "headers": headers, "body": body}
        with self._lock:
            self.requests.append(entry)
        return entry

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            scripted = self.replies.popleft() if self.replies else None
            default, length = self.default_reply, self.reply_tokens
        if scripted is not None:
            tokens = split_tokens(scripted)
        else:
            tokens = split_tokens(default if default is not None else _quote_last_user(body))
            if length is not None:
                tokens = _fit_length(tokens, int(length))
        max_tokens = int(body.get("max_tokens") or len(tokens))
        if len(tokens) > max_tokens:
            return Reply(tokens[:max_tokens], stop_reason="max_tokens")
        return Reply(tokens)

    def seconds_per_token(self) -> float:
        rate = self.tokens_per_second
        return 0.0 if rate <= 0 else 1.0 / rate


def _quote_last_user(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            text = " ".join(content_text(message.get("content")).split())
            return f'You said: "{text}"'
    return "Hello from the local demo model."


def _fit_length(tokens: list[str], length: int) -> list[str]:
    if length <= 0:
        return []
    if len(tokens) >= length:
        return tokens[:length]
    padded = [*tokens]
    if padded and not padded[-1].endswith((" ", "\n")):
        padded[-1] += " "
    index = 0
    while len(padded) < length:
        padded.append(_FILLER[index % len(_FILLER)] + " ")
        index += 1
    padded[-1] = padded[-1].rstrip()
    return padded
