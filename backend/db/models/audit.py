"""The audit log: written only by triggers, readable by owners and admins, never changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from backend.db.models.common import UUID, datetime, timestamp


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_logs"
    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    organization_id: UUID | None = None
    seq: int
    actor_id: UUID | None = None
    action: str
    table_name: str
    row_id: str | None = None
    old_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    new_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    created_at: datetime | None = timestamp()
    prev_hash: str
    hash: str
