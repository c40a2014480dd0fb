"""A whole chat turn for callers without a screen (the public API): the steps of `backend.services.chat`
in order, as a stream of events.

The user's message is stored first; the reply's text follows as it arrives and is saved while it grows;
the stored reply comes last. A caller that goes away mid-reply (the HTTP client disconnected) leaves the
reply saved as `stopped` with what was written. A model failure after some text is kept as an `error`
reply; one before any text raises the model's error, as a failed call should.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Literal

from backend.errors import AppError
from backend.services import chat
from backend.services.context import RequestContext
from backend.services.conversations import Message


@dataclass(frozen=True)
class TurnEvent:
    kind: Literal["message", "delta", "reply"]
    text: str = ""
    message: Message | None = None
    error: str = ""  # on the reply: why it broke off, when it did


async def converse(*, ctx: RequestContext, conversation_id: str, text: str) -> AsyncIterator[TurnEvent]:
    turn = await chat.start_turn(ctx=ctx, conversation_id=conversation_id, text=text)
    if turn.user_message is not None:
        yield TurnEvent("message", message=turn.user_message)
    parts: list[str] = []
    saver = chat.save_while_streaming(ctx, turn, parts)
    failure: AppError | None = None
    try:
        async for piece in chat.stream_turn(turn):
            parts.append(piece)
            yield TurnEvent("delta", text=piece)
    except AppError as error:
        failure = error
    except (asyncio.CancelledError, GeneratorExit):
        await saver.stop()
        with suppress(AppError):
            await chat.finish_turn(ctx=ctx, turn=turn, text="".join(parts), status="stopped")
        raise
    await saver.stop()
    reply_text = "".join(parts)
    stored = await chat.finish_turn(
        ctx=ctx,
        turn=turn,
        text=reply_text.rstrip() if failure else reply_text,
        status="error" if failure else "complete",
    )
    if stored is None:  # the model failed before writing anything: nothing was stored
        raise failure or AppError()
    yield TurnEvent("reply", message=stored, error=failure.detail if failure else "")
