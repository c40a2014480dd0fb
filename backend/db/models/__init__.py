"""SQLModel mirrors of the tables in sql/ (one module per family); tests compare them with the live schema."""

from __future__ import annotations

from sqlmodel import SQLModel

from backend.db.models.audit import AuditLog
from backend.db.models.billing import OrganizationBilling, StripeEvent, UsageEvent, UsageEventCreate
from backend.db.models.chat import (
    Conversation,
    ConversationCreate,
    ConversationPublic,
    Message,
    MessageCreate,
    MessagePublic,
)
from backend.db.models.common import OrgRole
from backend.db.models.integrations import (
    DatabaseConnection,
    DatabaseConnectionPublic,
    DataQuery,
    DataQueryCreate,
    Integration,
    IntegrationPublic,
    Repository,
)
from backend.db.models.organizations import (
    Invitation,
    InvitationCreate,
    InvitationPublic,
    Organization,
    OrganizationCreate,
    OrganizationMember,
    OrganizationPublic,
)
from backend.db.models.projects import (
    Project,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
    Task,
    TaskCreate,
    TaskPublic,
)
from backend.db.models.users import (
    AuthSession,
    User,
    UserApiKey,
    UserApiKeyPublic,
    UserCreate,
    UserProfile,
    UserPublic,
)

TABLE_MODELS: tuple[type[SQLModel], ...] = (
    User,
    UserProfile,
    AuthSession,
    UserApiKey,
    Organization,
    OrganizationMember,
    Invitation,
    OrganizationBilling,
    StripeEvent,
    Project,
    Task,
    Conversation,
    Message,
    Integration,
    Repository,
    DatabaseConnection,
    DataQuery,
    UsageEvent,
    AuditLog,
)

__all__ = [
    "TABLE_MODELS",
    "AuditLog",
    "AuthSession",
    "Conversation",
    "ConversationCreate",
    "ConversationPublic",
    "DataQuery",
    "DataQueryCreate",
    "DatabaseConnection",
    "DatabaseConnectionPublic",
    "Integration",
    "IntegrationPublic",
    "Invitation",
    "InvitationCreate",
    "InvitationPublic",
    "Message",
    "MessageCreate",
    "MessagePublic",
    "OrgRole",
    "Organization",
    "OrganizationBilling",
    "OrganizationCreate",
    "OrganizationMember",
    "OrganizationPublic",
    "Project",
    "ProjectCreate",
    "ProjectPublic",
    "ProjectUpdate",
    "Repository",
    "StripeEvent",
    "Task",
    "TaskCreate",
    "TaskPublic",
    "UsageEvent",
    "UsageEventCreate",
    "User",
    "UserApiKey",
    "UserApiKeyPublic",
    "UserCreate",
    "UserProfile",
    "UserPublic",
]
