"""Conversations (per project) and their messages."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import (
    UUID,
    VISIBILITY_KEY,
    datetime,
    generated_uuid,
    org_key,
    timestamp,
    uuid_key,
)

MESSAGE_ROLES = ("user", "assistant")
MESSAGE_STATUSES = ("streaming", "complete", "stopped", "error", "interrupted")


class ConversationBase(SQLModel):
    title: str = Field(default="New conversation", min_length=1, max_length=200)


class ConversationCreate(ConversationBase):
    project_id: UUID


class Conversation(ConversationBase, table=True):
    __tablename__ = "conversations"
    organization_id: UUID = org_key()
    project_id: UUID
    id: UUID = uuid_key()
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    in_private_project: bool = False
    visibility_key: UUID | None = generated_uuid(VISIBILITY_KEY)


class ConversationPublic(ConversationBase):
    organization_id: UUID
    project_id: UUID
    id: UUID
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class MessageBase(SQLModel):
    role: str
    content: str = Field(default="", max_length=200_000)
    status: str = "complete"


class MessageCreate(MessageBase):
    conversation_id: UUID


class Message(MessageBase, table=True):
    """`project_id` repeats the conversation's and `in_private_project` its project's visibility (kept by
    triggers, sql/0006); `visibility_key` derives from both (sql/0007) and is what the read policy checks."""

    __tablename__ = "messages"
    organization_id: UUID = org_key()
    project_id: UUID
    conversation_id: UUID
    id: UUID = uuid_key()
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    in_private_project: bool = False
    visibility_key: UUID | None = generated_uuid(VISIBILITY_KEY)


class MessagePublic(MessageBase):
    organization_id: UUID
    conversation_id: UUID
    id: UUID
    created_by: UUID | None
    created_at: datetime
