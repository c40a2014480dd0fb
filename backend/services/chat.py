"""Chatting with Claude in a conversation: the three steps of one turn.

1. `start_turn` checks the text and the user's right to post, resolves whose API key pays, and
   stores the user's message (titling a new conversation from it) BEFORE the model is called,
   together with the reply's row, `streaming` and empty; it returns a `Turn` holding the history
   to send (within `settings.context_budget_tokens`; `streaming` replies are never part of it).
   `start_retry` prepares a new answer to the latest user message (storing only the reply's row).
2. `stream_turn` yields the reply's text as it arrives (and records Anthropic's usage on the turn);
   `save_while_streaming` keeps the reply's row up to date meanwhile (backend/services/chat_reply.py).
3. `finish_turn` finishes the reply with its status (`complete`, `stopped` after Stop, `error` after
   a failure; partial text is kept) and a `usage_events` row saying whose key paid. When the
   database can't be reached it raises `ReplyNotSaved`: show the reply, then `save_when_back`
   stores it as `interrupted` once the database answers again.

The caller (a Reflex background task, a test, the benchmark) owns cancellation: Stop closes the
stream and then calls `finish_turn(status="stopped")` with the text received so far.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from backend.config import Settings, get_settings
from backend.db.session import tenant_session
from backend.errors import AppError, Forbidden, Invalid
from backend.limits import CHAT_MESSAGE
from backend.llm import Completion, LLMError, TextDelta, assemble_history, estimate_tokens, stream_reply
from backend.llm.titles import DEFAULT_TITLE, title_from_first_message
from backend.rbac import Role
from backend.services.api_keys import resolve_anthropic_key
from backend.services.chat_reply import (
    ReplySaver,
    Usage,
    create_reply,
    interrupt_abandoned,
    store_reply,
    store_reply_when_back,
)
from backend.services.context import RequestContext
from backend.services.conversations import Conversation, Message, fetch_conversation, fetch_messages
from backend.text import clean_line, clean_text, storable

MAX_MESSAGE_CHARS = CHAT_MESSAGE.max_len
MAX_REPLY_TOKENS = 4096
HISTORY_FETCH_LIMIT = 400
# The key `make run` gives the local demo model (backend/cli/fake_llm.py); it opens nothing real.
DEMO_API_KEY = "sk-ant-local-demo-model-key"
CHAT_FORBIDDEN = "Only the person who started this conversation can send messages in it."
ARCHIVED = "This project is archived. Unarchive it to continue the conversation."
# How long the final write waits for a connection before the reply is shown as not saved yet.
FINISH_WAIT_SECONDS = 5.0
Status = Literal["complete", "stopped", "error"]


@dataclass(frozen=True)
class _Key:
    api_key: str = field(repr=False)
    source: str


async def _resolve_key(user_id: str, settings: Settings) -> _Key:
    """The key that pays: the user's own, else the server's, else the demo model; else ApiKeyRequired.

    With SKOPX_FAKE_LLM=1 every call goes to the local demo model, so no real key is ever sent to it."""
    if settings.fake_llm:
        return _Key(DEMO_API_KEY, "demo")
    key = await resolve_anthropic_key(user_id=user_id, settings=settings)
    if key.source == "demo":
        return _Key(DEMO_API_KEY, "demo")
    return _Key(key.api_key, key.source)


@dataclass
class Turn:
    conversation: Conversation
    history: list[dict[str, str]]
    model: str
    key_source: str
    api_key: str = field(repr=False)
    base_url: str | None = None
    user_message: Message | None = None  # None for a retry
    title: str | None = None  # set when this turn titled the conversation
    completion: Completion | None = None
    reply_id: str = ""  # the assistant's row, `streaming` until the turn is finished


def clean_message(text: str | None) -> str:
    value = clean_text(text, label="your message", field="message")
    if not value:
        raise Invalid("Type a message first.", field="message")
    if len(value) > MAX_MESSAGE_CHARS:
        over = len(value) - MAX_MESSAGE_CHARS
        raise Invalid(
            f"Messages can be at most {MAX_MESSAGE_CHARS:,} characters. "
            f"Shorten yours by {over:,} character{'s' if over != 1 else ''} to send it.",
            field="message",
        )
    return value


def _title_from(message: str) -> str:
    """The first message's title under the same rules as a typed title (it may carry bidi controls)."""
    title = clean_line(title_from_first_message(message), label="the title", field="title", min_len=0)
    return title or DEFAULT_TITLE


def _check_can_chat(ctx: RequestContext, conversation: Conversation) -> None:
    ctx.require(Role.MEMBER, "send messages")
    if conversation.project_archived:
        raise Invalid(ARCHIVED)
    if not conversation.can_chat:
        raise Forbidden(CHAT_FORBIDDEN)


async def _prepare(ctx: RequestContext, conversation_id: str, text: str | None, settings: Settings) -> Turn:
    key = None
    async with tenant_session(ctx.user_id) as conn:
        conversation = await fetch_conversation(conn, ctx, conversation_id)
        _check_can_chat(ctx, conversation)
        key = await _resolve_key(ctx.user_id, settings)  # no user message is stored when nobody can pay
        user_message, title = None, None
        if text is not None:
            row = await (
                await conn.execute(
                    "insert into public.messages (organization_id, project_id, conversation_id, role, content,"
                    " status, created_by) values (%s, %s, %s, 'user', %s, 'complete', app.current_user_id())"
                    " returning id::text as id, role, content, status, created_at",
                    (ctx.org_id, conversation.project_id, conversation.id, text),
                )
            ).fetchone()
            user_message = Message(**row)
            first = await (
                await conn.execute(
                    "select count(*) = 1 as first from public.messages where organization_id = %s"
                    " and conversation_id = %s",
                    (ctx.org_id, conversation.id),
                )
            ).fetchone()
            title = _title_from(text) if first["first"] and conversation.title == DEFAULT_TITLE else None
            await conn.execute(
                "update public.conversations set title = coalesce(%s, title), updated_at = now()"
                " where organization_id = %s and id = %s",
                (title, ctx.org_id, conversation.id),
            )
        messages = await fetch_messages(conn, ctx, conversation.id, limit=HISTORY_FETCH_LIMIT)
        # Replies still being written (in another tab) are neither history nor the latest message.
        settled = [m for m in await interrupt_abandoned(conn, ctx, messages) if m.status != "streaming"]
        refusal, reply_id = None, ""
        history = assemble_history(settled, settings.context_budget_tokens)
        if text is None and (
            not settled or (settled[-1].role == "assistant" and settled[-1].status == "complete")
        ):
            refusal = "The last reply is complete. Send a new message instead."
        elif not history:
            refusal = "There is no message to answer yet."
        else:
            reply_id = await create_reply(conn, ctx, conversation)
    if refusal:
        raise Invalid(refusal)
    return Turn(
        conversation=conversation,
        history=history,
        model=settings.model,
        key_source=key.source,
        api_key=key.api_key,
        base_url=settings.anthropic_base_url,
        user_message=user_message,
        title=title,
        reply_id=reply_id,
    )


async def start_turn(
    *, ctx: RequestContext, conversation_id: str, text: str, settings: Settings | None = None
) -> Turn:
    """Check and store the user's message; return what to send to the model."""
    return await _prepare(ctx, conversation_id, clean_message(text), settings or get_settings())


async def start_retry(*, ctx: RequestContext, conversation_id: str, settings: Settings | None = None) -> Turn:
    """Answer the latest user message again (after a failed, stopped or missing reply)."""
    return await _prepare(ctx, conversation_id, None, settings or get_settings())


async def stream_turn(turn: Turn) -> AsyncIterator[str]:
    """The reply's text as it arrives; raises `LLMError` (with `.during_stream`) on failure."""
    async for event in stream_reply(
        api_key=turn.api_key,
        model=turn.model,
        system=None,
        messages=turn.history,
        base_url=turn.base_url,
        max_tokens=MAX_REPLY_TOKENS,
    ):
        if isinstance(event, TextDelta):
            yield event.text
        elif isinstance(event, Completion):
            turn.completion = event


def save_while_streaming(ctx: RequestContext, turn: Turn, parts: list[str]) -> ReplySaver:
    """Start saving the reply every few seconds from `parts`, the list the caller appends the streamed
    text to; `await saver.stop()` before `finish_turn`."""
    return ReplySaver(ctx, turn.reply_id, parts).start()


def _usage(turn: Turn, text: str, status: str) -> Usage:
    """Anthropic's own count once the reply completed; for a stopped or failed one (Anthropic still
    bills what it generated) an estimate from the history and the partial text."""
    completion = turn.completion if status in ("complete", "interrupted") else None
    if completion:
        return Usage(completion.model, completion.input_tokens, completion.output_tokens, turn.key_source)
    input_tokens = sum(estimate_tokens(m["content"]) for m in turn.history)
    return Usage(turn.model, input_tokens, estimate_tokens(text), turn.key_source)


async def finish_turn(*, ctx: RequestContext, turn: Turn, text: str, status: Status) -> Message | None:
    """Store the reply and the usage in one transaction. Nothing is stored for a failure without text.

    Raises `ReplyNotSaved` when the database can't be reached (then call `save_when_back`)."""
    text = storable(text)
    return await store_reply(
        ctx,
        turn.conversation,
        turn.reply_id,
        text=text,
        status=status,
        usage=_usage(turn, text, status),
        timeout=FINISH_WAIT_SECONDS,
    )


async def save_when_back(*, ctx: RequestContext, turn: Turn, text: str) -> Message | None:
    """After `ReplyNotSaved`: store the reply as `interrupted` with `text` (what was shown), retrying
    for up to a minute; raises `ReplyNotSaved` if the database stays unreachable."""
    text = storable(text)
    return await store_reply_when_back(
        ctx, turn.conversation, turn.reply_id, text=text, usage=_usage(turn, text, "interrupted")
    )


def failure_detail(failure: BaseException) -> str:
    """What the chat says when a reply broke off: the model's own sentence, else a lost connection."""
    return failure.detail if isinstance(failure, AppError) else LLMError("connection_lost").detail


def unsaved_reply(turn: Turn, text: str) -> Message:
    """The reply as shown while the database can't store it: on screen, marked interrupted."""
    return Message(
        id=turn.reply_id, role="assistant", content=text, status="interrupted", created_at=datetime.now(UTC)
    )


def model_info() -> tuple[str, bool]:
    """The configured model name and whether it is the local demo model (SKOPX_FAKE_LLM=1)."""
    settings = get_settings()
    return settings.model, settings.fake_llm
