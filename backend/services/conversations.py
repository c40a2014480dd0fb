"""Conversations in projects, and their messages.

Anyone who can see a project reads its conversations. Members start conversations in projects they
can see; only a conversation's creator sends messages in it (the database's messages policy), and
its creator or an admin renames or deletes it. Another organization's conversation id is simply
not found: RLS hides the row and nothing says it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection

from backend.db.errors import expect_row, expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Forbidden
from backend.limits import CONVERSATION_TITLE
from backend.llm.titles import DEFAULT_TITLE
from backend.rbac import Role, at_least
from backend.services.context import RequestContext
from backend.services.projects import may_edit, parse_id, require_active
from backend.text import clean_line

MESSAGE_LIMIT = 500
CONVERSATION_NOT_FOUND = (
    "We couldn't find that conversation. It may have been deleted, or you may not have access to it."
)
MANAGE_FORBIDDEN = "Only the conversation's creator or an admin can change it."


@dataclass(frozen=True)
class Conversation:
    id: str
    project_id: str
    project_name: str
    project_archived: bool
    title: str
    created_by: str
    creator_name: str
    updated_at: datetime
    can_manage: bool  # rename, delete
    can_chat: bool  # send messages


@dataclass(frozen=True)
class Message:
    id: str
    role: str
    content: str
    status: str
    created_at: datetime

    @property
    def from_user(self) -> bool:
        return self.role == "user"

    @property
    def note(self) -> str:
        """What is said under a reply that isn't complete ("" when it is)."""
        return STATUS_NOTES.get(self.status, "")

    @property
    def note_kind(self) -> str:
        """How the note looks: `stopped` (someone pressed Stop) or `warning` (it broke off)."""
        return "stopped" if self.status == "stopped" else ("warning" if self.note else "")


STATUS_NOTES = {
    "stopped": "Stopped — partial reply",
    "error": "Interrupted — partial reply",
    "interrupted": "Interrupted — partial reply",
    "streaming": "Still being written — reload to see the rest",
}


def retry_possible(conversation: Conversation, messages: list[Message]) -> bool:
    """Whether Retry is offered: the person may chat here and the last message has no complete reply."""
    last = messages[-1] if messages else None
    return bool(conversation.can_chat and last and (last.from_user or last.status != "complete"))


def clean_title(title: str | None) -> str:
    return clean_line(
        title,
        label="the conversation title",
        field="title",
        min_len=CONVERSATION_TITLE.min_len,
        max_len=CONVERSATION_TITLE.max_len,
        length_error=(
            f"Give the conversation a title of {CONVERSATION_TITLE.min_len}–{CONVERSATION_TITLE.max_len} characters."
        ),
    )


_SELECT = """
select c.id::text as id, c.project_id::text as project_id, p.name as project_name,
       p.status = 'archived' as project_archived, c.title, coalesce(c.created_by::text, '') as created_by,
       coalesce(u.display_name, 'Former member') as creator_name, c.updated_at
from public.conversations c
join public.projects p on p.organization_id = c.organization_id and p.id = c.project_id
left join public.users u on u.id = c.created_by
where c.organization_id = %(org)s
"""


def _conversation(ctx: RequestContext, row: dict) -> Conversation:
    creator = row["created_by"] or None
    mine = creator is not None and creator == ctx.user_id
    return Conversation(
        id=row["id"],
        project_id=row["project_id"],
        project_name=row["project_name"],
        project_archived=bool(row["project_archived"]),
        title=row["title"],
        created_by=row["created_by"],
        creator_name=row["creator_name"],
        updated_at=row["updated_at"],
        can_manage=may_edit(ctx, creator),
        can_chat=mine and at_least(ctx.role, Role.MEMBER) and not row["project_archived"],
    )


async def list_conversations(
    *, ctx: RequestContext, project_id: str | None = None, limit: int = 300
) -> list[Conversation]:
    """Visible conversations, most recently active first (optionally of one project)."""
    query, params = _SELECT, {"org": ctx.org_id, "limit": limit}
    if project_id is not None:
        query += " and c.project_id = %(project)s"
        params["project"] = parse_id(project_id)
    else:
        query += " and p.status = 'active'"
    query += " order by c.updated_at desc, c.id limit %(limit)s"
    async with tenant_session(ctx.user_id) as conn:
        rows = await (await conn.execute(query, params)).fetchall()
    return [_conversation(ctx, row) for row in rows]


def group_by_project(conversations: list[Conversation]) -> list[tuple[str, str, list[Conversation]]]:
    """(project id, project name, conversations) in order of each project's latest conversation."""
    groups: dict[str, tuple[str, str, list[Conversation]]] = {}
    for conversation in conversations:
        group = groups.setdefault(
            conversation.project_id, (conversation.project_id, conversation.project_name, [])
        )
        group[2].append(conversation)
    return list(groups.values())


async def fetch_conversation(
    conn: AsyncConnection, ctx: RequestContext, conversation_id: str
) -> Conversation:
    conversation_id = parse_id(conversation_id, not_found=CONVERSATION_NOT_FOUND)
    row = await (
        await conn.execute(_SELECT + " and c.id = %(id)s", {"org": ctx.org_id, "id": conversation_id})
    ).fetchone()
    return _conversation(ctx, expect_row(row, not_found=CONVERSATION_NOT_FOUND))


async def get_conversation(*, ctx: RequestContext, conversation_id: str) -> Conversation:
    async with tenant_session(ctx.user_id) as conn:
        return await fetch_conversation(conn, ctx, conversation_id)


async def create_conversation(
    *, ctx: RequestContext, project_id: str, title: str = DEFAULT_TITLE
) -> Conversation:
    ctx.require(Role.MEMBER, "start conversations")
    cleaned = clean_title(title)
    async with tenant_session(ctx.user_id) as conn:
        project = await require_active(conn, ctx, project_id)
        row = await (
            await conn.execute(
                "insert into public.conversations (organization_id, project_id, title, created_by)"
                " values (%s, %s, %s, app.current_user_id()) returning id::text as id",
                (ctx.org_id, project.id, cleaned),
            )
        ).fetchone()
        return await fetch_conversation(conn, ctx, row["id"])


async def _manageable(conn: AsyncConnection, ctx: RequestContext, conversation_id: str) -> Conversation:
    conversation = await fetch_conversation(conn, ctx, conversation_id)
    if not conversation.can_manage:
        raise Forbidden(MANAGE_FORBIDDEN)
    return conversation


async def rename_conversation(*, ctx: RequestContext, conversation_id: str, title: str) -> Conversation:
    cleaned = clean_title(title)
    async with tenant_session(ctx.user_id) as conn:
        conversation = await _manageable(conn, ctx, conversation_id)
        cursor = await conn.execute(
            "update public.conversations set title = %s where organization_id = %s and id = %s",
            (cleaned, ctx.org_id, conversation.id),
        )
        expect_rowcount(cursor, not_found=CONVERSATION_NOT_FOUND)
        return await fetch_conversation(conn, ctx, conversation.id)


async def delete_conversation(*, ctx: RequestContext, conversation_id: str) -> str:
    """Deletes the conversation and its messages; returns its project id."""
    async with tenant_session(ctx.user_id) as conn:
        conversation = await _manageable(conn, ctx, conversation_id)
        cursor = await conn.execute(
            "delete from public.conversations where organization_id = %s and id = %s",
            (ctx.org_id, conversation.id),
        )
        expect_rowcount(cursor, not_found=CONVERSATION_NOT_FOUND)
    return conversation.project_id


async def fetch_messages(
    conn: AsyncConnection, ctx: RequestContext, conversation_id: str, *, limit: int = MESSAGE_LIMIT
) -> list[Message]:
    """The latest `limit` messages, oldest first (a user message sorts before its reply on a tie)."""
    rows = await (
        await conn.execute(
            "select * from (select id::text as id, role, content, status, created_at from public.messages"
            " where organization_id = %s and conversation_id = %s"
            " order by created_at desc, (role = 'assistant') desc, id desc limit %s) latest"
            " order by created_at, (role = 'assistant'), id",
            (ctx.org_id, conversation_id, limit),
        )
    ).fetchall()
    return [Message(**row) for row in rows]


async def get_messages(
    *, ctx: RequestContext, conversation_id: str, limit: int = MESSAGE_LIMIT
) -> tuple[Conversation, list[Message]]:
    async with tenant_session(ctx.user_id) as conn:
        conversation = await fetch_conversation(conn, ctx, conversation_id)
        return conversation, await fetch_messages(conn, ctx, conversation.id, limit=limit)
