"""Organizations, their members and invitations."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import (
    UUID,
    OrgRole,
    datetime,
    optional_timestamp,
    org_key,
    org_role_column,
    timestamp,
    uuid_key,
)


class OrganizationBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field(max_length=48)


class OrganizationCreate(OrganizationBase):
    pass


class Organization(OrganizationBase, table=True):
    __tablename__ = "organizations"
    id: UUID = uuid_key()
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class OrganizationPublic(OrganizationBase):
    id: UUID
    created_at: datetime


class OrganizationMember(SQLModel, table=True):
    __tablename__ = "organization_members"
    organization_id: UUID = Field(primary_key=True, foreign_key="organizations.id")
    user_id: UUID = Field(primary_key=True, foreign_key="users.id")
    role: OrgRole = org_role_column(default="member")
    created_at: datetime | None = timestamp()


class InvitationBase(SQLModel):
    email: str = Field(max_length=254)
    role: OrgRole = OrgRole.MEMBER


class InvitationCreate(InvitationBase):
    pass


class Invitation(SQLModel, table=True):
    """`token_hash` is the sha256 hex of the emailed token; the token itself is never stored."""

    __tablename__ = "invitations"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    email: str
    role: OrgRole = org_role_column(default="member")
    token_hash: str = Field(min_length=64, max_length=64)
    invited_by: UUID | None = None
    created_at: datetime | None = timestamp()
    expires_at: datetime | None = timestamp()
    accepted_at: datetime | None = optional_timestamp()


class InvitationPublic(InvitationBase):
    organization_id: UUID
    id: UUID
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
