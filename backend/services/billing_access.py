"""Subscription enforcement at routing: which pages an organization's members may reach.

Placeholder until billing lands: every organization is treated as active, which is also
the documented behaviour when Stripe is not configured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    redirect_to: str | None = None
    banner: str = ""


async def access_for(*, org_id: str, role: str, path: str) -> Access:
    return Access()
