"""Chatting with Claude in a conversation: the three steps of one turn.

1. `start_turn` checks the text and the user's right to post, resolves whose API key pays, and
   stores the user's message (titling a new conversation from it) BEFORE the model is called; it
   returns a `Turn` holding the history to send (within `settings.context_budget_tokens`).
   `start_retry` prepares a new answer to the latest user message without storing anything.
2. `stream_turn` yields the reply's text as it arrives (and records Anthropic's usage on the turn).
3. `finish_turn` stores the assistant's reply with its status (`complete`, `stopped` after Stop,
   `error` after a failure; partial text is kept) and a `usage_events` row saying whose key paid.

The caller (a Reflex background task, a test, the benchmark) owns cancellation: Stop closes the
stream and then calls `finish_turn(status="stopped")` with the text received so far.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from backend.config import get_settings
from backend.db.session import tenant_session
from backend.errors import Forbidden, Invalid, RateLimited
from backend.llm import Completion, TextDelta, assemble_history, estimate_tokens, stream_reply
from backend.llm.titles import DEFAULT_TITLE, title_from_first_message
from backend.ratelimit import API, client_ip, client_key, get_async_limiter
from backend.rbac import Role
from backend.services.api_keys import resolve_anthropic_key
from backend.services.context import RequestContext
from backend.services.conversations import Conversation, Message, fetch_conversation, fetch_messages

MAX_MESSAGE_CHARS = 32_000
MAX_REPLY_TOKENS = 4096
HISTORY_FETCH_LIMIT = 400
# The key `make run` gives the local demo model (backend/cli/fake_llm.py); it opens nothing real.
DEMO_API_KEY = "sk-ant-local-demo-model-key"
CHAT_FORBIDDEN = "Only the person who started this conversation can send messages in it."
ARCHIVED = "This project is archived. Unarchive it to continue the conversation."
Status = Literal["complete", "stopped", "error"]


@dataclass(frozen=True)
class _Key:
    api_key: str = field(repr=False)
    source: str


async def _resolve_key(user_id: str) -> _Key:
    """Issue 5's resolution (own key, else the server's, else the demo model; else ApiKeyRequired).

    With SKOPX_FAKE_LLM=1 every call goes to the local demo model, so no real key is ever sent to it."""
    if get_settings().fake_llm:
        return _Key(DEMO_API_KEY, "demo")
    key = await resolve_anthropic_key(user_id=user_id)
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


def clean_message(text: str | None) -> str:
    value = (text or "").strip()
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


async def check_rate(*, peer: str | None, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> int:
    """Count one chat request against the client's 100-per-minute budget; returns what remains."""
    ip = client_ip(peer, headers, get_settings().trusted_proxies)
    decision = await get_async_limiter().hit(API, client_key(ip))
    if not decision.allowed:
        wait = decision.retry_after
        raise RateLimited(
            f"You've reached the limit of {API.limit} chat requests a minute. "
            f"You can send again in {wait} second{'s' if wait != 1 else ''}.",
            retry_after=wait,
        )
    return decision.remaining


def _check_can_chat(ctx: RequestContext, conversation: Conversation) -> None:
    ctx.require(Role.MEMBER, "send messages")
    if conversation.project_archived:
        raise Invalid(ARCHIVED)
    if not conversation.can_chat:
        raise Forbidden(CHAT_FORBIDDEN)


async def _prepare(ctx: RequestContext, conversation_id: str, text: str | None) -> Turn:
    settings = get_settings()
    key = None
    async with tenant_session(ctx.user_id) as conn:
        conversation = await fetch_conversation(conn, ctx, conversation_id)
        _check_can_chat(ctx, conversation)
        key = await _resolve_key(ctx.user_id)  # no user message is stored when nobody can pay
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
            title = (
                title_from_first_message(text)
                if first["first"] and conversation.title == DEFAULT_TITLE
                else None
            )
            await conn.execute(
                "update public.conversations set title = coalesce(%s, title), updated_at = now()"
                " where organization_id = %s and id = %s",
                (title, ctx.org_id, conversation.id),
            )
        messages = await fetch_messages(conn, ctx, conversation.id, limit=HISTORY_FETCH_LIMIT)
    if text is None and (
        not messages or (messages[-1].role == "assistant" and messages[-1].status == "complete")
    ):
        raise Invalid("The last reply is complete. Send a new message instead.")
    history = assemble_history(messages, settings.context_budget_tokens)
    if not history:
        raise Invalid("There is no message to answer yet.")
    return Turn(
        conversation=conversation,
        history=history,
        model=settings.model,
        key_source=key.source,
        api_key=key.api_key,
        base_url=settings.anthropic_base_url,
        user_message=user_message,
        title=title,
    )


async def start_turn(*, ctx: RequestContext, conversation_id: str, text: str) -> Turn:
    """Check and store the user's message; return what to send to the model."""
    return await _prepare(ctx, conversation_id, clean_message(text))


async def start_retry(*, ctx: RequestContext, conversation_id: str) -> Turn:
    """Answer the latest user message again (after a failed, stopped or missing reply)."""
    return await _prepare(ctx, conversation_id, None)


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


async def finish_turn(*, ctx: RequestContext, turn: Turn, text: str, status: Status) -> Message | None:
    """Store the reply and the usage in one transaction. Nothing is stored for a failure without text.

    Usage is Anthropic's own count for a complete reply; for a stopped or failed one (Anthropic still
    bills what it generated) it is estimated from the history and the partial text.
    """
    if status != "complete" and not text:
        return None
    completion = turn.completion if status == "complete" else None
    model = completion.model if completion else turn.model
    if completion:
        input_tokens, output_tokens = completion.input_tokens, completion.output_tokens
    else:
        input_tokens = sum(estimate_tokens(m["content"]) for m in turn.history)
        output_tokens = estimate_tokens(text)
    conversation = turn.conversation
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "insert into public.messages (organization_id, project_id, conversation_id, role, content, status,"
                " model, input_tokens, output_tokens, created_by)"
                " values (%s, %s, %s, 'assistant', %s, %s, %s, %s, %s, app.current_user_id())"
                " returning id::text as id, role, content, status, created_at",
                (
                    ctx.org_id,
                    conversation.project_id,
                    conversation.id,
                    text,
                    status,
                    model,
                    input_tokens,
                    output_tokens,
                ),
            )
        ).fetchone()
        await conn.execute(
            "insert into public.usage_events (organization_id, user_id, conversation_id, model,"
            " input_tokens, output_tokens, key_source) values (%s, app.current_user_id(), %s, %s, %s, %s, %s)",
            (ctx.org_id, conversation.id, model, input_tokens, output_tokens, turn.key_source),
        )
        await conn.execute(
            "update public.conversations set updated_at = now() where organization_id = %s and id = %s",
            (ctx.org_id, conversation.id),
        )
    return Message(**row)


def model_info() -> tuple[str, bool]:
    """The configured model name and whether it is the local demo model (SKOPX_FAKE_LLM=1)."""
    settings = get_settings()
    return settings.model, settings.fake_llm
