"""Connections to outside systems: code hosts, repositories, databases, and saved data queries."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import UUID, datetime, org_key, timestamp, uuid_key


class Integration(SQLModel, table=True):
    """`token_ciphertext` is sealed with AAD oauth|organization_id|id."""

    __tablename__ = "integrations"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    provider: str
    account_login: str = ""
    token_ciphertext: str
    connected_by: UUID
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class IntegrationPublic(SQLModel):
    organization_id: UUID
    id: UUID
    provider: str
    account_login: str
    connected_by: UUID
    created_at: datetime


class Repository(SQLModel, table=True):
    __tablename__ = "repositories"
    organization_id: UUID = org_key()
    integration_id: UUID
    id: UUID = uuid_key()
    full_name: str
    default_branch: str = "main"
    created_at: datetime | None = timestamp()


class DatabaseConnectionBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    engine: str = "postgresql"


class DatabaseConnection(DatabaseConnectionBase, table=True):
    """`config_ciphertext` is sealed with AAD dbconfig|organization_id|id."""

    __tablename__ = "database_connections"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    config_ciphertext: str
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class DatabaseConnectionPublic(DatabaseConnectionBase):
    organization_id: UUID
    id: UUID
    created_by: UUID | None
    created_at: datetime


class DataQueryBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    sql_text: str = Field(min_length=1, max_length=100_000)


class DataQueryCreate(DataQueryBase):
    database_connection_id: UUID
    project_id: UUID | None = None


class DataQuery(DataQueryBase, table=True):
    __tablename__ = "data_queries"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    database_connection_id: UUID
    project_id: UUID | None = None
    created_by: UUID | None = None
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
