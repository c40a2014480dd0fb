"""The shapes of the public API: request bodies and answers, as pydantic models.

They only describe and convert; every rule about what a value may be lives in the services, which
answer a bad value with a sentence (a 422 `{"code": "invalid", ...}`). The OpenAPI document is built
from these models (skopx_ui/api/v1/openapi.py), so the two can't disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.limits import (
    CHAT_MESSAGE,
    CONVERSATION_TITLE,
    PROJECT_DESCRIPTION,
    PROJECT_NAME,
    PROJECT_VISIBILITIES,
    ROLES,
    TASK_STATUSES,
    TASK_TITLE,
)

Role = Literal[ROLES]  # type: ignore[valid-type]
Visibility = Literal[PROJECT_VISIBILITIES]  # type: ignore[valid-type]
TaskStatus = Literal[TASK_STATUSES]  # type: ignore[valid-type]


def _up_to(length, what: str) -> str:
    return f"{what}, {length.min_len}–{length.max_len:,} characters."


class Body(BaseModel):
    """A request body: a JSON object with no fields but the documented ones."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Answer(BaseModel):
    """An answer, read straight from the service's object (`Project.model_validate(project)`)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


class Error(Answer):
    code: str = Field(description="A stable word for the kind of failure, e.g. `invalid` or `not_found`.")
    detail: str = Field(description="A sentence to show a person.")
    field: str | None = Field(default=None, description="The body field at fault, when there is one.")
    retry_after: int | None = Field(default=None, description="Seconds to wait, on `rate_limited`.")


class OrganizationRef(Answer):
    id: str
    name: str


class Me(Answer):
    id: str
    email: str
    name: str
    organization: OrganizationRef
    role: Role = Field(description="The role requests act with (a token's is capped by its ceiling).")
    via: Literal["token", "session"]


class Organization(Answer):
    id: str
    name: str
    role: Role


class Organizations(Answer):
    items: list[Organization]


class Project(Answer):
    id: str
    name: str
    description: str
    visibility: Visibility
    archived: bool
    owner_id: str
    owner_name: str
    conversation_count: int
    open_tasks: int
    last_activity: datetime
    can_edit: bool


class Projects(Answer):
    items: list[Project]


class ProjectCreate(Body):
    name: str = Field(description=_up_to(PROJECT_NAME, "The project's name"))
    description: str = Field(default="", description=f"Up to {PROJECT_DESCRIPTION.max_len:,} characters.")
    visibility: str = Field(default="shared", description="`shared` with the organization, or `private`.")


class ProjectUpdate(Body):
    name: str | None = Field(default=None, description=_up_to(PROJECT_NAME, "A new name"))
    visibility: str | None = Field(default=None, description="`shared` or `private`.")
    archived: bool | None = Field(default=None, description="Archive (true) or restore (false).")


class Task(Answer):
    id: str
    project_id: str
    title: str
    status: TaskStatus
    can_edit: bool


class Tasks(Answer):
    items: list[Task]


class TaskCreate(Body):
    title: str = Field(description=_up_to(TASK_TITLE, "What is to be done"))


class TaskUpdate(Body):
    status: str = Field(description="`todo`, `doing` or `done`.")


class Conversation(Answer):
    id: str
    title: str
    project_id: str
    project_name: str
    created_by: str
    updated_at: datetime
    can_manage: bool
    can_chat: bool


class Conversations(Answer):
    items: list[Conversation]


class ConversationCreate(Body):
    project_id: str = Field(description="The project the conversation belongs to.")
    title: str | None = Field(default=None, description=_up_to(CONVERSATION_TITLE, "A title"))


class Message(Answer):
    id: str
    role: Literal["user", "assistant"]
    content: str
    status: str = Field(description="`complete`, or how a reply ended: `stopped`, `error`, `interrupted`.")
    created_at: datetime


class Messages(Answer):
    conversation: Conversation
    items: list[Message]


class MessageCreate(Body):
    content: str = Field(description=f"Your message, up to {CHAT_MESSAGE.max_len:,} characters.")


class Exchange(Answer):
    """A message and Claude's reply to it."""

    message: Message
    reply: Message
    error: str | None = Field(default=None, description="Why the reply broke off, when it did.")
