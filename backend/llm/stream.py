"""Streaming a Claude reply with the official SDK.

`stream_reply` yields `TextDelta`s as they arrive and, last, one `Completion` with the
usage Anthropic reported. Any failure is raised as `LLMError` (see `errors.py`);
`during_stream=True` means some text was already yielded and should be kept as an
interrupted partial reply. Closing the iterator early (Stop) cancels the request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2

from backend.llm.clients import DEFAULT_TIMEOUT_SECONDS, shared_client
from backend.llm.errors import LLMError, classify_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Completion:
    input_tokens: int
    output_tokens: int
    stop_reason: str | None
    model: str


StreamEvent = TextDelta | Completion

_FAILURES = (LLMError, anthropic.AnthropicError, httpx2.HTTPError, TimeoutError, OSError)


async def stream_reply(
    *,
    api_key: str,
    model: str,
    system: str | None,
    messages: Sequence[dict[str, Any]],
    base_url: str | None = None,
    max_tokens: int = 4096,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_retries: int = 0,
) -> AsyncIterator[StreamEvent]:
    """Stream one reply. `max_retries=0` by default: the user sees the failure and chooses Retry."""
    client = shared_client(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)
    request: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": list(messages)}
    if system:
        request["system"] = system
    started = False
    input_tokens = output_tokens = 0
    stop_reason: str | None = None
    reply_model = model
    try:
        # Raw events rather than the SDK's MessageStream, which rebuilds the whole message
        # snapshot on every token: with many concurrent replies that CPU is the bottleneck.
        stream = await client.messages.create(**request, stream=True)
        async with stream:
            async for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    started = True
                    yield TextDelta(event.delta.text)
                elif event.type == "message_start":
                    input_tokens = event.message.usage.input_tokens
                    output_tokens = event.message.usage.output_tokens
                    reply_model = event.message.model
                elif event.type == "message_delta":
                    stop_reason = event.delta.stop_reason
                    output_tokens = event.usage.output_tokens
        if stop_reason is None:  # the stream ended cleanly but before `message_delta`
            raise LLMError("connection_lost", during_stream=started)
        yield Completion(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            stop_reason=stop_reason,
            model=reply_model,
        )
    except _FAILURES as error:
        failure = classify_error(error, during_stream=started)
        log.warning(
            "claude call failed: kind=%s status=%s type=%s request_id=%s during_stream=%s",
            failure.kind,
            failure.status,
            failure.error_type,
            failure.request_id,
            started,
        )
        raise failure from None
