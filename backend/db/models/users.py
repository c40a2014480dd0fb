"""People: users, their profile, their revocable sessions and their BYOK API keys."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import UUID, datetime, optional_timestamp, timestamp, uuid_key


class UserBase(SQLModel):
    email: str = Field(max_length=254)
    display_name: str = Field(min_length=1, max_length=100)


class UserCreate(UserBase):
    password: str


class User(UserBase, table=True):
    """Readable by skopx_app without `password_hash` (column grants); sign-in reads it as the service."""

    __tablename__ = "users"
    id: UUID = uuid_key()
    password_hash: str
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class UserPublic(UserBase):
    id: UUID
    created_at: datetime


class UserProfileBase(SQLModel):
    avatar_url: str | None = None
    bio: str = Field(default="", max_length=2000)
    timezone: str = "UTC"


class UserProfile(UserProfileBase, table=True):
    __tablename__ = "user_profiles"
    user_id: UUID = Field(primary_key=True, foreign_key="users.id")
    updated_at: datetime | None = timestamp()


class AuthSession(SQLModel, table=True):
    """A JWT's server-side record (`jti`): revoked by logout, password change or role change."""

    __tablename__ = "sessions"
    jti: UUID = Field(primary_key=True)
    user_id: UUID = Field(foreign_key="users.id")
    created_at: datetime | None = timestamp()
    expires_at: datetime = timestamp(server_now=False)
    revoked_at: datetime | None = optional_timestamp()
    user_agent: str | None = Field(default=None, max_length=512)


class UserApiKey(SQLModel, table=True):
    """Only skopx_service reads or writes this table; `key_ciphertext` is sealed with AAD apikeys|user|id."""

    __tablename__ = "user_api_keys"
    id: UUID = uuid_key()
    user_id: UUID = Field(foreign_key="users.id")
    provider: str = "anthropic"
    key_ciphertext: str
    key_last4: str = Field(max_length=4)
    created_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class UserApiKeyPublic(SQLModel):
    """What a user may see of their key: `sk-ant-****` plus the last four characters."""

    provider: str
    key_last4: str
    created_at: datetime

    @property
    def masked(self) -> str:
        return f"sk-ant-****{self.key_last4}"
