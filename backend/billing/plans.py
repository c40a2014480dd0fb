"""The plans Skopx sells, from `SKOPX_PLANS` (a JSON list) or the defaults below.

Each plan: {"key": "team", "name": "Team", "monthly_price_cents": 2900,
"stripe_price_id": "price_...", "features": ["..."]}. Prices are per seat per month.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from backend.config import SettingsError


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    monthly_price_cents: int
    stripe_price_id: str
    features: tuple[str, ...] = ()

    @property
    def monthly_price_display(self) -> str:
        dollars, cents = divmod(self.monthly_price_cents, 100)
        return f"${dollars}" if cents == 0 else f"${dollars}.{cents:02d}"


DEFAULT_PLANS: tuple[Plan, ...] = (
    Plan(
        "starter",
        "Starter",
        1200,
        "price_starter",
        ("Projects and chat with Claude", "Bring your own Anthropic key", "Email support"),
    ),
    Plan(
        "team",
        "Team",
        2900,
        "price_team",
        ("Everything in Starter", "Shared projects and roles", "Usage reports", "Priority support"),
    ),
    Plan(
        "enterprise",
        "Enterprise",
        7900,
        "price_enterprise",
        ("Everything in Team", "SSO and audit log export", "Dedicated support"),
    ),
)


def parse_plans(raw: str) -> tuple[Plan, ...]:
    """Plans from `SKOPX_PLANS` JSON; raises `SettingsError` naming what is wrong."""
    try:
        items = json.loads(raw)
        plans = tuple(
            Plan(
                key=str(item["key"]),
                name=str(item["name"]),
                monthly_price_cents=int(item["monthly_price_cents"]),
                stripe_price_id=str(item["stripe_price_id"]),
                features=tuple(str(feature) for feature in item.get("features", ())),
            )
            for item in items
        )
    except (ValueError, TypeError, KeyError) as error:
        raise SettingsError(f"SKOPX_PLANS is not a valid JSON list of plans ({error}).") from None
    if not plans:
        raise SettingsError("SKOPX_PLANS must list at least one plan.")
    if len({plan.stripe_price_id for plan in plans}) != len(plans) or len({p.key for p in plans}) != len(
        plans
    ):
        raise SettingsError("SKOPX_PLANS has duplicate plan keys or Stripe price ids.")
    return plans


def load_plans(environ: Mapping[str, str] | None = None) -> tuple[Plan, ...]:
    raw = (os.environ if environ is None else environ).get("SKOPX_PLANS", "").strip()
    return parse_plans(raw) if raw else DEFAULT_PLANS


@lru_cache(maxsize=1)
def get_plans() -> tuple[Plan, ...]:
    return load_plans()


def plan_for_price(price_id: str | None, plans: tuple[Plan, ...] | None = None) -> Plan | None:
    return next((plan for plan in plans or get_plans() if plan.stripe_price_id == price_id), None)


def plan_by_key(key: str | None, plans: tuple[Plan, ...] | None = None) -> Plan | None:
    return next((plan for plan in plans or get_plans() if plan.key == key), None)
