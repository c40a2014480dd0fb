"""Messages API bodies of the fake Anthropic server: the SSE event sequence and JSON replies."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from backend.llm.demo.script import (
    FakeAnthropicScript,
    InjectedError,
    Reply,
    count_input_tokens,
    error_body,
)


class ConnectionDropped(Exception):
    """Raised inside a streaming body so uvicorn closes the socket mid-response."""


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def message_shell(message_id: str, model: str, input_tokens: int) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": 0},
    }


async def stream_events(
    script: FakeAnthropicScript,
    body: dict[str, Any],
    reply: Reply,
    error: InjectedError | None,
    entry: dict[str, Any],
) -> AsyncIterator[bytes]:
    message_id = f"msg_{uuid.uuid4().hex[:24]}"
    input_tokens = count_input_tokens(body)
    shell = message_shell(message_id, body["model"], input_tokens)
    shell["usage"]["output_tokens"] = 1
    yield sse("message_start", {"type": "message_start", "message": shell})
    yield sse(
        "content_block_start",
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    )
    yield sse("ping", {"type": "ping"})
    delay = script.seconds_per_token()
    clock = asyncio.get_running_loop().time
    first_token_at = clock()  # tokens are due on a fixed schedule, so slow ticks don't add up
    token_times: list[float] = []
    for sent, token in enumerate(reply.tokens):
        if error is not None and sent == error.after_tokens:
            async for chunk in _fail_mid_stream(error):
                yield chunk
            return
        if delay:
            await asyncio.sleep(max(0.0, first_token_at + delay * (sent + 1) - clock()))
        if script.record_token_times:
            token_times.append(time.time())
            entry["token_times"] = token_times
        delta = {"type": "text_delta", "text": token}
        yield sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
    if error is not None and error.after_tokens >= len(reply.tokens):
        async for chunk in _fail_mid_stream(error):
            yield chunk
        return
    yield sse("content_block_stop", {"type": "content_block_stop", "index": 0})
    yield sse(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": len(reply.tokens)},
        },
    )
    yield sse("message_stop", {"type": "message_stop"})


async def _fail_mid_stream(error: InjectedError) -> AsyncIterator[bytes]:
    if error.kind == "stream_error":
        yield sse("error", error_body(error.error_type, "Overloaded"))
        return  # Anthropic ends the stream after an error event
    if error.kind == "stall":
        await asyncio.sleep(error.seconds)
    raise ConnectionDropped(f"fake dropped the connection ({error.kind})")


def json_message(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    message = message_shell(f"msg_{uuid.uuid4().hex[:24]}", body["model"], count_input_tokens(body))
    message["content"] = [{"type": "text", "text": reply.text}]
    message["stop_reason"] = reply.stop_reason
    message["usage"]["output_tokens"] = len(reply.tokens)
    return message
