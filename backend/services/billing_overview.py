"""What the billing page shows of a subscription, and how its status reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# How each subscription status reads, and its tone (good, info, warning, bad; neutral otherwise).
STATUS_LABELS = {
    "active": ("Active", "good"),
    "trialing": ("Trial", "info"),
    "past_due": ("Payment overdue", "warning"),
    "canceled": ("Cancelled", "bad"),
    "pending": ("No subscription", "neutral"),
}
LIVE_STATUSES = frozenset({"active", "trialing", "past_due"})


@dataclass(frozen=True)
class BillingOverview:
    configured: bool
    status: str = "pending"
    plan_key: str = ""
    plan_name: str = ""
    seats: int = 1
    current_period_end: datetime | None = None
    days_left: int = 0
    restricted: bool = False
    has_customer: bool = False
    can_manage: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, (self.status, "neutral"))[0]

    @property
    def status_tone(self) -> str:
        return STATUS_LABELS.get(self.status, (self.status, "neutral"))[1]

    @property
    def live(self) -> bool:
        """A subscription exists and is being paid for (or is in its grace period)."""
        return self.status in LIVE_STATUSES

    @property
    def payment_failed(self) -> bool:
        return self.status == "past_due"

    @property
    def period_label(self) -> str:
        return "Period ends" if self.status == "canceled" else "Renews on"
