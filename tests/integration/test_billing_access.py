"""Enforcement at routing: every billing status x every role x protected and always-reachable pages,
over `billing_access.access_for` reading the real database (the page guard calls exactly this)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from backend.config import get_settings
from backend.services.billing_access import Access, BillingRequired, access_for, require_working

ROLES = ("owner", "admin", "member", "viewer")
PROTECTED = ("/chat", "/projects", "/settings/members")
REACHABLE = ("/billing", "/billing/", "/pricing", "/billing/inactive", "/settings/account", "/security")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ON = dataclasses.replace(get_settings(), stripe_secret_key="sk_test_routing")
OFF = dataclasses.replace(get_settings(), stripe_secret_key=None)

# (status, days since it became past due, {role: where a protected page sends them}, banner)
CASES = {
    "active": ("active", None, dict.fromkeys(ROLES), ""),
    "trialing": ("trialing", None, dict.fromkeys(ROLES), ""),
    "past_due_day_0": (
        "past_due",
        0.5,
        dict.fromkeys(ROLES),
        "Payment failed — 3 days left to update your payment details",
    ),
    "past_due_day_2": (
        "past_due",
        2.5,
        dict.fromkeys(ROLES),
        "Payment failed — 1 day left to update your payment details",
    ),
    "past_due_expired": (
        "past_due",
        3.01,
        {"owner": "/billing", **dict.fromkeys(ROLES[1:], "/billing/inactive")},
        "Payment failed — access is restricted until it is fixed",
    ),
    "canceled": (
        "canceled",
        None,
        {"owner": "/billing", **dict.fromkeys(ROLES[1:], "/billing/inactive")},
        "",
    ),
    "pending": ("pending", None, {"owner": "/pricing", **dict.fromkeys(ROLES[1:], "/billing/inactive")}, ""),
    "no_billing_row": (
        None,
        None,
        {"owner": "/pricing", **dict.fromkeys(ROLES[1:], "/billing/inactive")},
        "",
    ),
}


@pytest.fixture(scope="module")
def orgs(test_db) -> dict[str, str]:
    """One organization per case, its billing row set up as the service role would have written it."""
    import psycopg

    made = {}
    with psycopg.connect(test_db.admin, autocommit=True) as conn:
        for case, (status, days, _, _) in CASES.items():
            org = conn.execute(
                "insert into organizations (name, slug) values (%s, %s) returning id",
                (f"Routing {case}", f"routing-{uuid.uuid4().hex[:12]}"),
            ).fetchone()[0]
            if status is not None:
                since = NOW - timedelta(days=days) if days is not None else None
                conn.execute(
                    "insert into organization_billing (organization_id, status, past_due_since) values (%s, %s, %s)",
                    (org, status, since),
                )
            made[case] = str(org)
    return made


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
async def test_protected_pages_follow_the_billing_status(orgs, case, role):
    _, _, landing, banner = CASES[case]
    for path in PROTECTED:
        access = await access_for(org_id=orgs[case], role=role, path=path, settings=ON, now=NOW)
        assert access == Access(redirect_to=landing[role], banner=banner), (case, role, path)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
async def test_billing_pricing_account_and_security_stay_reachable(orgs, case, role):
    for path in REACHABLE:
        access = await access_for(org_id=orgs[case], role=role, path=path, settings=ON, now=NOW)
        assert access.redirect_to is None, (case, role, path)


@pytest.mark.parametrize("case", CASES)
async def test_billing_off_treats_every_org_as_active(orgs, case):
    for role in ROLES:
        assert await access_for(org_id=orgs[case], role=role, path="/chat", settings=OFF, now=NOW) == Access()


async def test_the_grace_period_counts_down_from_when_it_became_past_due(orgs):
    org = orgs["past_due_day_0"]  # past due since NOW - 12 h
    banners = []
    for hours in (0, 24, 48, 59):
        access = await access_for(
            org_id=org, role="member", path="/chat", settings=ON, now=NOW + timedelta(hours=hours)
        )
        assert access.redirect_to is None
        banners.append(access.banner.split(" — ")[1].split(" left")[0])
    assert banners == ["3 days", "2 days", "1 day", "1 day"]
    late = await access_for(
        org_id=org, role="member", path="/chat", settings=ON, now=NOW + timedelta(hours=61)
    )
    assert late.redirect_to == "/billing/inactive"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
async def test_work_is_refused_exactly_where_pages_redirect(orgs, case, role):
    """The check every handler makes agrees with the page rule, whatever the role."""
    _, _, landing, _ = CASES[case]
    if landing[role] is None:
        await require_working(org_id=orgs[case], role=role, settings=ON, now=NOW)
        return
    with pytest.raises(BillingRequired) as refused:
        await require_working(org_id=orgs[case], role=role, settings=ON, now=NOW)
    assert refused.value.detail.startswith("Skopx is paused for this organization.")
    assert refused.value.status_code == 402 and refused.value.code == "billing_required"
    if role == "owner":
        assert "Open Billing" in refused.value.detail
    else:
        assert "ask one of them" in refused.value.detail


@pytest.mark.parametrize("case", CASES)
async def test_billing_off_lets_every_org_work(orgs, case):
    for role in ROLES:
        await require_working(org_id=orgs[case], role=role, settings=OFF, now=NOW)
