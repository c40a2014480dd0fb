"""The chat pages: the conversation list (grouped by project) and one conversation's finished messages.

Only page loads and conversation management change this state, so the (possibly long) message
history renders once per load. The turn in progress lives in `state.chat_stream`.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import reflex as rx

from backend import routes
from backend.errors import NotFound
from backend.services import chat as chat_service
from backend.services import conversations, projects
from state.base import AppState
from state.handlers import guarded, handles_errors


@dataclasses.dataclass
class MessageView:
    id: str
    from_user: bool
    content: str
    status: str
    note: str = ""
    note_kind: str = ""


@dataclasses.dataclass
class ConversationItem:
    id: str
    title: str
    href: str
    when: str


@dataclasses.dataclass
class ConversationGroup:
    project_id: str
    project_name: str
    chats: list[ConversationItem]


def message_view(message: conversations.Message) -> MessageView:
    return MessageView(
        id=message.id,
        from_user=message.from_user,
        content=message.content,
        status=message.status,
        note=message.note,
        note_kind=message.note_kind,
    )


def ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    seconds = max(0, int((datetime.now(UTC) - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


class ChatState(AppState):
    groups: list[ConversationGroup] = []
    project_options: list[dict[str, str]] = []
    list_loading: bool = True
    conv_id: str = ""
    title: str = ""
    project_id: str = ""
    project_name: str = ""
    creator_name: str = ""
    can_chat: bool = False
    can_manage: bool = False
    project_archived: bool = False
    history: list[MessageView] = []
    truncated: bool = False
    loading: bool = True
    not_found: bool = False
    model_name: str = ""
    demo_model: bool = False
    new_open: bool = False
    rename_open: bool = False
    delete_open: bool = False

    async def _load_sidebar(self, ctx) -> None:
        found = await conversations.list_conversations(ctx=ctx)
        self.groups = [
            ConversationGroup(
                project_id=project_id,
                project_name=name,
                chats=[
                    ConversationItem(c.id, c.title, routes.conversation(c.id), ago(c.updated_at))
                    for c in items
                ],
            )
            for project_id, name, items in conversations.group_by_project(found)
        ]
        if ctx.permissions.can_write:
            visible = await projects.list_projects(ctx=ctx)
            self.project_options = [{"id": p.id, "name": p.name} for p in visible]
        else:
            self.project_options = []
        self.list_loading = False

    @rx.event
    @guarded
    async def load_index(self):
        self.conv_id, self.history, self.not_found, self.loading = "", [], False, False
        self.model_name, self.demo_model = chat_service.model_info()
        await self._load_sidebar(await self._context())

    async def _load_conversation(self) -> bool:
        """The conversation of the page's route, its messages and the sidebar; returns whether Retry
        is offered. Called by the page's on_load, `ChatTurnState.load_conversation`."""
        self.loading, self.not_found, self.history = True, False, []
        self.conv_id = self.conversation_id  # the [conversation_id] segment of routes.CONVERSATION_PATTERN
        self.model_name, self.demo_model = chat_service.model_info()
        try:
            ctx = await self._context()
            await self._load_sidebar(ctx)
            found, messages = await conversations.get_messages(ctx=ctx, conversation_id=self.conv_id)
        except NotFound:
            self.not_found = True
            return False
        finally:
            self.loading = False
        self.title, self.project_id, self.project_name = found.title, found.project_id, found.project_name
        self.creator_name, self.can_chat, self.can_manage = (
            found.creator_name,
            found.can_chat,
            found.can_manage,
        )
        self.project_archived = found.project_archived
        self.history = [message_view(m) for m in messages]
        self.truncated = len(messages) >= conversations.MESSAGE_LIMIT
        return conversations.retry_possible(found, messages)

    @rx.event
    def set_new_open(self, value: bool):
        self.new_open = value

    @rx.event
    def set_rename_open(self, value: bool):
        self.rename_open = value

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = value

    @rx.event
    @handles_errors()
    async def new_conversation(self, form_data: dict):
        ctx = await self._context()
        created = await conversations.create_conversation(
            ctx=ctx, project_id=str(form_data.get("project_id") or "")
        )
        self.new_open = False
        return rx.redirect(routes.conversation(created.id))

    @rx.event
    @handles_errors()
    async def rename(self, form_data: dict):
        ctx = await self._context()
        renamed = await conversations.rename_conversation(
            ctx=ctx, conversation_id=self.conv_id, title=str(form_data.get("title") or "")
        )
        await self._load_sidebar(ctx)
        self.title, self.rename_open = renamed.title, False
        self._toast("Conversation renamed.", "success")

    @rx.event
    @handles_errors()
    async def delete(self):
        ctx = await self._context()
        project_id = await conversations.delete_conversation(ctx=ctx, conversation_id=self.conv_id)
        self.delete_open = False
        self._toast("Conversation deleted.", "success")
        return rx.redirect(routes.project(project_id))

    def _retitle(self, title: str) -> None:
        """The first message titled the conversation: show it without reloading anything else."""
        self.title = title
        for group in self.groups:
            for item in group.chats:
                if item.id == self.conv_id:
                    item.title = title
        self.groups = list(self.groups)
