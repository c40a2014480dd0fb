"""The assistant's reply row: saved as it grows, so nothing shown is lost when the database blinks.

- `create_reply` adds the row (`streaming`, empty) in the transaction that starts the turn.
- `ReplySaver` writes the text received so far every `SAVE_SECONDS`, in a task of its own: the
  path that delivers tokens never waits on the database, and a failed save is only logged.
- `store_reply` finishes the row (`complete`, `stopped`, `error`, `interrupted`) together with the
  turn's `usage_events` row. It only changes a row that is still `streaming`, so a repeated final
  write (one whose commit was applied but never acknowledged) adds no second usage row.
  `store_reply_when_back` repeats it with backoff for up to `RECOVERY_SECONDS`.
- A `streaming` row older than `ABANDONED_AFTER_SECONDS` belongs to a worker that died mid-reply:
  the next turn in its conversation marks it `interrupted` (or deletes it if it holds no text).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from contextlib import suppress
from dataclasses import dataclass

import psycopg
from psycopg import AsyncConnection

from backend.db.errors import expect_row
from backend.db.session import tenant_session
from backend.errors import AppError, Unavailable
from backend.services.context import RequestContext
from backend.services.conversations import CONVERSATION_NOT_FOUND, Conversation, Message
from backend.text import storable

log = logging.getLogger("skopx.chat")

SAVE_SECONDS = 3.0
RECOVERY_SECONDS = 60.0
ABANDONED_AFTER_SECONDS = 600
NOT_SAVED_YET = (
    "We couldn't reach the database, so this reply isn't saved yet. "
    "It will be saved as soon as the database is back."
)
NOT_SAVED = (
    "The database is still unreachable, so this reply couldn't be saved in full. "
    "Copy anything you need from it."
)


class ReplyNotSaved(Unavailable):
    """The database could not be reached to finish the reply."""


@dataclass(frozen=True)
class Usage:
    model: str
    input_tokens: int
    output_tokens: int
    key_source: str


async def create_reply(conn: AsyncConnection, ctx: RequestContext, conversation: Conversation) -> str:
    row = await (
        await conn.execute(
            "insert into public.messages (organization_id, project_id, conversation_id, role, content, status,"
            " created_by) values (%s, %s, %s, 'assistant', '', 'streaming', app.current_user_id())"
            " returning id::text as id",
            (ctx.org_id, conversation.project_id, conversation.id),
        )
    ).fetchone()
    return row["id"]


async def interrupt_abandoned(
    conn: AsyncConnection, ctx: RequestContext, messages: list[Message]
) -> list[Message]:
    """`messages` with the abandoned `streaming` replies among them marked `interrupted` (or removed
    when empty), in the database too. Costs nothing when no listed reply is `streaming`."""
    candidates = [m.id for m in messages if m.status == "streaming"]
    if not candidates:
        return messages
    abandoned = (
        "organization_id = %(org)s and id = any(%(ids)s::uuid[]) and status = 'streaming'"
        " and created_at < now() - make_interval(secs => %(age)s) returning id::text as id"
    )
    params = {"org": ctx.org_id, "ids": candidates, "age": ABANDONED_AFTER_SECONDS}
    deleted = await (
        await conn.execute(f"delete from public.messages where content = '' and {abandoned}", params)
    ).fetchall()
    marked = await (
        await conn.execute(f"update public.messages set status = 'interrupted' where {abandoned}", params)
    ).fetchall()
    gone, interrupted = {r["id"] for r in deleted}, {r["id"] for r in marked}
    return [
        dataclasses.replace(m, status="interrupted") if m.id in interrupted else m
        for m in messages
        if m.id not in gone
    ]


class ReplySaver:
    """Saves `parts` (the list the stream appends to) into the reply row every `every` seconds."""

    def __init__(self, ctx: RequestContext, reply_id: str, parts: list[str], every: float = SAVE_SECONDS):
        self.ctx, self.reply_id, self.parts, self.every = ctx, reply_id, parts, every
        self.saved_chars = 0  # length of the text in the last successful save
        self._task: asyncio.Task | None = None

    def start(self) -> ReplySaver:
        self._task = asyncio.create_task(self._run(), name=f"save reply {self.reply_id}")
        return self

    async def stop(self) -> None:
        """Stop saving (the final write follows); a save in flight is abandoned, never half-applied."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        # Replies that started together (a burst of users) save at different moments, not all at once:
        # the first save comes after 0.5-1.5 periods, by the reply's (random) id.
        delay = self.every * (0.5 + int(self.reply_id[:8], 16) / 0x1_0000_0000)
        saved_parts = 0
        while True:
            await asyncio.sleep(delay)
            delay = self.every
            if len(self.parts) == saved_parts:
                continue
            count, text = len(self.parts), storable("".join(self.parts))
            try:
                await self._save(text)
            except (psycopg.Error, AppError) as error:
                log.warning(
                    "could not save reply %s so far (%s); next try in %ss", self.reply_id, error, self.every
                )
                continue
            saved_parts, self.saved_chars = count, len(text)

    async def _save(self, text: str) -> None:
        async with tenant_session(self.ctx.user_id, timeout=self.every) as conn:
            await conn.execute(
                "update public.messages set content = %s"
                " where organization_id = %s and id = %s and status = 'streaming'",
                (text, self.ctx.org_id, self.reply_id),
            )


async def store_reply(
    ctx: RequestContext,
    conversation: Conversation,
    reply_id: str,
    *,
    text: str,
    status: str,
    usage: Usage,
    timeout: float | None = None,
) -> Message | None:
    """Finish the reply row and record its usage, in one transaction; raises `ReplyNotSaved` when the
    database can't be reached. A failure without text deletes the row and records nothing."""
    try:
        async with tenant_session(ctx.user_id, timeout=timeout) as conn:
            if status != "complete" and not text:
                await conn.execute(
                    "delete from public.messages where organization_id = %s and id = %s and status = 'streaming'",
                    (ctx.org_id, reply_id),
                )
                return None
            row = await (
                await conn.execute(
                    "update public.messages set content = %s, status = %s, model = %s, input_tokens = %s,"
                    " output_tokens = %s where organization_id = %s and id = %s and status = 'streaming'"
                    " returning id::text as id, role, content, status, created_at",
                    (
                        text,
                        status,
                        usage.model,
                        usage.input_tokens,
                        usage.output_tokens,
                        ctx.org_id,
                        reply_id,
                    ),
                )
            ).fetchone()
            if row is None:  # finished already: by an earlier attempt, or as abandoned
                row = await (
                    await conn.execute(
                        "select id::text as id, role, content, status, created_at from public.messages"
                        " where organization_id = %s and id = %s",
                        (ctx.org_id, reply_id),
                    )
                ).fetchone()
                return Message(**expect_row(row, not_found=CONVERSATION_NOT_FOUND))
            await conn.execute(
                "insert into public.usage_events (organization_id, user_id, conversation_id, model, input_tokens,"
                " output_tokens, key_source) values (%s, app.current_user_id(), %s, %s, %s, %s, %s)",
                (
                    ctx.org_id,
                    conversation.id,
                    usage.model,
                    usage.input_tokens,
                    usage.output_tokens,
                    usage.key_source,
                ),
            )
            await conn.execute(
                "update public.conversations set updated_at = now() where organization_id = %s and id = %s",
                (ctx.org_id, conversation.id),
            )
            return Message(**row)
    except psycopg.OperationalError as error:
        raise ReplyNotSaved(NOT_SAVED_YET) from error


async def store_reply_when_back(
    ctx: RequestContext,
    conversation: Conversation,
    reply_id: str,
    *,
    text: str,
    usage: Usage,
    within: float = RECOVERY_SECONDS,
) -> Message | None:
    """`store_reply(status="interrupted")`, tried with backoff until it succeeds or `within` seconds
    pass (then `ReplyNotSaved`; the row keeps its last periodic save)."""
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + within, 0.5
    while True:
        try:
            return await store_reply(
                ctx,
                conversation,
                reply_id,
                text=text,
                status="interrupted",
                usage=usage,
                timeout=max(0.5, min(10.0, deadline - loop.time())),
            )
        except ReplyNotSaved as failure:
            left = deadline - loop.time()
            if left <= 0:
                raise ReplyNotSaved(NOT_SAVED) from failure.__cause__
        await asyncio.sleep(min(delay, left))
        delay = min(delay * 2, 8.0)
