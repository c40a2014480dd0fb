"""Projects (shared or private) and their tasks."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import (
    PRIVATE_PROJECT_KEY,
    UUID,
    VISIBILITY_KEY,
    datetime,
    generated_uuid,
    org_key,
    timestamp,
    uuid_key,
)

VISIBILITIES = ("shared", "private")
PROJECT_STATUSES = ("active", "archived")
TASK_STATUSES = ("todo", "doing", "done")


class ProjectBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    visibility: str = "shared"
    status: str = "active"


class ProjectCreate(ProjectBase):
    pass


class ProjectUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    visibility: str | None = None
    status: str | None = None


class Project(ProjectBase, table=True):
    __tablename__ = "projects"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    private_project_key: UUID | None = generated_uuid(PRIVATE_PROJECT_KEY)


class ProjectPublic(ProjectBase):
    organization_id: UUID
    id: UUID
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    status: str = "todo"


class TaskCreate(TaskBase):
    project_id: UUID


class Task(TaskBase, table=True):
    __tablename__ = "tasks"
    organization_id: UUID = org_key()
    project_id: UUID
    id: UUID = uuid_key()
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
    in_private_project: bool = False
    visibility_key: UUID | None = generated_uuid(VISIBILITY_KEY)


class TaskPublic(TaskBase):
    organization_id: UUID
    project_id: UUID
    id: UUID
    created_by: UUID | None
    created_at: datetime
