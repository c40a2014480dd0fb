"""The turn in progress, kept apart from the message history.

- `ChatStreamState.text` is the only var that changes while a reply streams: only the streaming
  bubble reads it, so earlier messages are never re-rendered or re-parsed per token.
- Tokens are coalesced: the first is shown at once, then at most one update every 50 ms.
- `ChatTurnState` holds what changes once per turn: this visit's finished messages (`recent`, so the
  long `history` is never re-sent), the generating flag, the failure message and Retry.
- `ComposerState.count` is the composer's character count (an int per keystroke, never the text).

Stop sets an event the streaming task waits on; the task cancels its model stream (closing the
HTTP request) and stores the partial reply as `stopped`.

The reply's row is saved every few seconds by a task of its own (`save_while_streaming`); nothing on
the per-token path touches the database. If the database can't be reached at the end, the reply
stays on screen as interrupted and is stored once the database is back.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

import reflex as rx

from backend.errors import AppError, RateLimited
from backend.services import chat as chat_service
from backend.services import request_budget, sessions
from backend.services.chat_reply import ReplyNotSaved
from state.base import AppState
from state.chat import ChatState, MessageView, message_view
from state.handlers import guarded, handles_errors

log = logging.getLogger("skopx.chat")

COALESCE_SECONDS = 0.05
COMPOSER_ID = "composer"


class _Signals:
    """What wakes a streaming turn: new tokens, the end of the stream, or Stop (`set`)."""

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.stopped = False

    def set(self) -> None:
        self.stopped = True
        self.wake.set()


_stops: dict[str, _Signals] = {}  # client token -> its streaming turn (process-local, like the socket)


class ChatStreamState(AppState):
    text: str = ""


class ComposerState(AppState):
    count: int = 0

    @rx.event
    def set_count(self, value: int):
        self.count = int(value or 0)


class ChatTurnState(AppState):
    recent: list[MessageView] = []
    generating: bool = False
    turn_conv_id: str = ""
    error: str = ""
    can_retry: bool = False
    rate_notice: str = ""

    @rx.event
    @guarded
    async def load_conversation(self):
        """The conversation page's on_load: the page's data (ChatState), and this visit's turn afresh."""
        chat = await self.get_state(ChatState)
        self._reset_for(self.conversation_id)
        self.can_retry = await chat._load_conversation()

    def _reset_for(self, conversation_id: str) -> None:
        """A (re)loaded conversation's history holds every stored message: start `recent` afresh.
        A reply still streaming for it (e.g. across a reload) was loaded as its partial row, which the
        finished reply replaces."""
        self.recent, self.rate_notice, self.can_retry = [], "", False
        if self.turn_conv_id != conversation_id:
            self.error = ""

    @rx.event
    def stop(self):
        if event := _stops.get(self.router.session.client_token):
            event.set()

    async def _turn_broke(self, _error: Exception) -> None:
        """An unexpected failure mid-turn: the composer comes back and the half-shown reply goes."""
        self.generating = False
        (await self.get_state(ChatStreamState)).text = ""

    @rx.event(background=True)
    @handles_errors(on_failure="_turn_broke", counted=False)
    async def send(self, form_data: dict):
        text = str(form_data.get("message") or "")
        async for update in self._turn(text):
            yield update

    @rx.event(background=True)
    @handles_errors(on_failure="_turn_broke", counted=False)
    async def retry(self):
        async for update in self._turn(None):
            yield update

    async def _turn(self, text: str | None):
        async with self:
            if self.generating:
                return
            chat = await self.get_state(ChatState)
            conversation_id = chat.conv_id
            cookie, org_id = self.router.headers.cookie, self.current_org_id
            peer, headers = self._client()
            token = self.router.session.client_token
            bound = self._session_fingerprint
            self.generating, self.turn_conv_id = True, conversation_id
            self.error, self.rate_notice, self.can_retry = "", "", False
        try:
            ctx = await sessions.current_context(cookie, org_id)
            await request_budget.spend(peer=peer, headers=headers)
            if text is None:
                turn = await chat_service.start_retry(ctx=ctx, conversation_id=conversation_id)
            else:
                turn = await chat_service.start_turn(ctx=ctx, conversation_id=conversation_id, text=text)
        except RateLimited as refused:
            async with self:
                self.generating, self.rate_notice = False, refused.detail
                self.can_retry = text is None
            await asyncio.sleep(refused.retry_after)
            async with self:
                if self.rate_notice == refused.detail:
                    self.rate_notice = ""
            return
        except AppError as error:
            async with self:
                self.generating, self.can_retry = False, text is None
                failure = self._fail(error)
            if failure is not None:
                yield failure
            return
        async with self:
            if turn.user_message is not None:
                self.recent = [*self.recent, message_view(turn.user_message)]
                composer = await self.get_state(ComposerState)
                composer.count = 0
            if turn.title:
                (await self.get_state(ChatState))._retitle(turn.title)
        if text is not None:
            yield rx.set_value(COMPOSER_ID, "")
        async for update in self._stream(ctx, turn, token, bound):
            yield update

    async def _stream(self, ctx, turn: chat_service.Turn, token: str, bound: str):
        """Streams into the tab while it still belongs to the session that asked (`bound`): after a
        sign-out the reply is stopped and saved, and nothing more reaches whoever holds the tab."""
        parts: list[str] = []
        signals = _Signals()
        _stops[token] = signals

        async def pump() -> None:
            try:
                async for piece in chat_service.stream_turn(turn):
                    parts.append(piece)
                    signals.wake.set()
            finally:
                signals.wake.set()

        producer = asyncio.create_task(pump())
        saver = chat_service.save_while_streaming(ctx, turn, parts)
        status, failure, shown = "complete", None, 0
        try:
            while True:
                await signals.wake.wait()
                signals.wake.clear()
                if signals.stopped:
                    status = "stopped"
                    break
                if len(parts) != shown:
                    shown = len(parts)
                    async with self:
                        if self._session_fingerprint != bound:
                            status = "stopped"
                            break
                        (await self.get_state(ChatStreamState)).text = "".join(parts)
                if producer.done():
                    break
                await asyncio.sleep(COALESCE_SECONDS)  # tokens arriving meanwhile go out together
            if status == "complete" and (error := producer.exception()) is not None:
                status, failure = "error", error
        finally:
            _stops.pop(token, None)
            producer.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await producer
            await saver.stop()
        async for update in self._finish(ctx, turn, "".join(parts), status, failure, bound):
            yield update

    async def _finish(self, ctx, turn, text: str, status: str, failure: BaseException | None, bound: str):
        if status == "error" and text:
            text = text.rstrip()
        stored, problem, unsaved = None, None, None
        try:
            stored = await chat_service.finish_turn(ctx=ctx, turn=turn, text=text, status=status)
        except ReplyNotSaved as error:
            unsaved = error
        except AppError as error:  # the reply is still shown; the toast says it wasn't saved
            problem = error
        if failure is not None and not isinstance(failure, AppError):
            log.error("chat stream failed", exc_info=failure)
        notice = None
        async with self:
            shown = self._session_fingerprint == bound  # else the tab is somebody else's now
            if shown:
                stream = await self.get_state(ChatStreamState)
                if stored is not None:
                    await self._show(message_view(stored))
                elif text and (unsaved is not None or problem is not None):
                    await self._show(message_view(chat_service.unsaved_reply(turn, text)))
                stream.text = ""
                self.generating = False
                if failure is not None:
                    self.error = chat_service.failure_detail(failure)
                self.can_retry = status != "complete" or failure is not None or unsaved is not None
                notice = self._fail(problem) if problem is not None else None
                if unsaved is not None and text:
                    self._toast(unsaved.detail)
        if notice is not None:
            yield notice
        if unsaved is None:
            return
        if shown:
            async for update in self._save_when_back(ctx, turn, text):
                yield update
        else:
            with suppress(AppError):
                await chat_service.save_when_back(ctx=ctx, turn=turn, text=text)

    async def _save_when_back(self, ctx, turn, text: str):
        """The database was unreachable at the end of the turn: keep trying (the reply is on screen)."""
        try:
            stored = await chat_service.save_when_back(ctx=ctx, turn=turn, text=text)
        except AppError as error:
            async with self:
                notice = self._fail(error)
            if notice is not None:
                yield notice
            return
        if stored is not None:
            async with self:
                await self._show(message_view(stored))

    async def _show(self, view: MessageView) -> None:
        """Show the turn's reply if its conversation is open: in place of its row when already listed
        (loaded by a reload during the stream, or shown before it was saved), else after `recent`."""
        chat = await self.get_state(ChatState)
        if chat.conv_id != self.turn_conv_id:
            return
        if any(m.id == view.id for m in chat.history):
            chat.history = [view if m.id == view.id else m for m in chat.history]
        elif any(m.id == view.id for m in self.recent):
            self.recent = [view if m.id == view.id else m for m in self.recent]
        else:
            self.recent = [*self.recent, view]
