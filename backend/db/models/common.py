"""Shared column helpers for the SQLModel mirrors of sql/ (the migrations are the source of truth)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Computed, DateTime, Uuid, func
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field


class OrgRole(enum.StrEnum):
    """In privilege order, as the `org_role` enum: viewer < member < admin < owner."""

    VIEWER = "viewer"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"


def org_role_column(*, default: str | None = None) -> Any:
    kind = SAEnum(OrgRole, name="org_role", create_type=False, values_callable=lambda e: [m.value for m in e])
    return Field(
        default=OrgRole(default) if default else ...,
        sa_column=Column(kind, nullable=False, server_default=default),
    )


def uuid_key() -> Any:
    """`id uuid not null default gen_random_uuid()`, part of the primary key."""
    return Field(default_factory=uuid4, primary_key=True)


def org_key() -> Any:
    """`organization_id`, leading the composite primary key of every tenant table."""
    return Field(primary_key=True)


def timestamp(*, nullable: bool = False, server_now: bool = True) -> Any:
    """A timestamptz column; `now()` by default in the database."""
    return Field(
        default=None,
        sa_type=DateTime(timezone=True),
        nullable=nullable,
        sa_column_kwargs={"server_default": func.now()} if server_now else {},
    )


# The generated columns of sql/0007: computed by Postgres from the row, never written.
VISIBILITY_KEY = (
    "case when in_private_project then app.private_project_key(organization_id, project_id)"
    " else organization_id end"
)
PRIVATE_PROJECT_KEY = "app.private_project_key(organization_id, id)"


def generated_uuid(expression: str) -> Any:
    return Field(default=None, sa_column=Column(Uuid, Computed(expression, persisted=True), nullable=True))


def optional_timestamp() -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)


__all__ = [
    "PRIVATE_PROJECT_KEY",
    "UUID",
    "VISIBILITY_KEY",
    "OrgRole",
    "datetime",
    "generated_uuid",
    "optional_timestamp",
    "org_key",
    "org_role_column",
    "timestamp",
]
