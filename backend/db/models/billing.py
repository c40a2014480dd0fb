"""Billing state written by Stripe webhooks (service role only), and per-call model usage."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from backend.db.models.common import UUID, datetime, optional_timestamp, org_key, timestamp, uuid_key

BILLING_STATUSES = ("pending", "trialing", "active", "past_due", "canceled")
KEY_SOURCES = ("user", "server", "demo")


class OrganizationBilling(SQLModel, table=True):
    """Admins and owners read it; only skopx_service writes it."""

    __tablename__ = "organization_billing"
    organization_id: UUID = Field(primary_key=True, foreign_key="organizations.id")
    stripe_customer_id: str | None = None
    stripe_subscription_id: str | None = None
    plan: str = "free"
    status: str = "pending"
    seats: int = Field(default=1, ge=1)
    current_period_end: datetime | None = optional_timestamp()
    past_due_since: datetime | None = optional_timestamp()
    last_event_created: int | None = None
    updated_at: datetime | None = timestamp()


class StripeEvent(SQLModel, table=True):
    """One row per processed Stripe event id: webhook idempotency."""

    __tablename__ = "stripe_events"
    id: str = Field(primary_key=True)
    type: str
    organization_id: UUID | None = None
    received_at: datetime | None = timestamp()


class UsageEventCreate(SQLModel):
    conversation_id: UUID | None = None
    model: str
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    key_source: str


class UsageEvent(UsageEventCreate, table=True):
    __tablename__ = "usage_events"
    organization_id: UUID = org_key()
    id: UUID = uuid_key()
    user_id: UUID | None = None
    created_at: datetime | None = timestamp()
