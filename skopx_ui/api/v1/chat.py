"""Sending a message: Claude's reply as one JSON answer, or as Server-Sent Events.

Everything that can refuse the message (its text, the conversation, the role, the budget) is decided
before the first byte, so a refusal is an ordinary JSON error with its status. Once streaming, the
events are `message` (the stored message), `delta` (`{"text": ...}`, as the reply grows), then `reply`
(the stored reply, with `error` when it broke off) or `error` (`{"code", "detail"}`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse

from backend.errors import AppError
from backend.services.chat_turn import TurnEvent, converse
from skopx_ui.api.v1 import schemas
from skopx_ui.api.v1.dispatch import Call, error_body

EVENT_STREAM = "text/event-stream"


def wants_events(call: Call) -> bool:
    return EVENT_STREAM in call.request.headers.get("accept", "")


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _event_bytes(event: TurnEvent) -> bytes:
    if event.kind == "delta":
        return _sse("delta", {"text": event.text})
    data = schemas.Message.model_validate(event.message).model_dump(mode="json")
    if event.kind == "reply":
        return _sse("reply", {**data, "error": event.error or None})
    return _sse("message", data)


async def _events(first: TurnEvent, rest: AsyncIterator[TurnEvent]) -> AsyncIterator[bytes]:
    yield _event_bytes(first)
    try:
        async for event in rest:
            yield _event_bytes(event)
    except AppError as error:
        yield _sse("error", error_body(error))


async def send_message(call: Call) -> schemas.Exchange | StreamingResponse:
    body: schemas.MessageCreate = call.body
    turn = converse(ctx=call.ctx, conversation_id=call.path["conversation_id"], text=body.content)
    first = await anext(turn)  # the stored message, or the refusal as an exception
    if wants_events(call):
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(
            _events(first, turn), media_type=EVENT_STREAM, status_code=201, headers=headers
        )
    reply = None
    async for event in turn:
        if event.kind == "reply":
            reply = event
    return schemas.Exchange(
        message=schemas.Message.model_validate(first.message),
        reply=schemas.Message.model_validate(reply.message),
        error=reply.error or None,
    )
