"""Billing in Chromium, with the local Stripe server: pricing, hosted checkout, webhooks, enforcement."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e_support import screenshot
from tests.e2e_support import sign_in as shared_sign_in


def sign_in(page: Page, app_url: str, email: str, next_path: str) -> None:
    shared_sign_in(
        page,
        app_url,
        email,
        next_path=next_path,
        ready=lambda p: p.get_by_role("combobox", name="Switch organization"),
    )


def at(app_url: str, path: str) -> re.Pattern[str]:
    """The page at `path` (the static build may add a trailing slash), without a query."""
    return re.compile(re.escape(app_url + path) + "/?$")


def nav_link(page: Page, name: str):
    """A sidebar entry (the shell's sidebar has no navigation landmark yet)."""
    return page.get_by_role("link", name=name, exact=True)


def test_pricing_is_public_with_a_call_to_action_per_plan(page: Page, app_url: str, console) -> None:
    page.goto(f"{app_url}/pricing")
    expect(page.get_by_role("heading", name="Simple per-seat pricing")).to_be_visible()
    for plan in ("Starter", "Team", "Enterprise"):
        cta = page.get_by_role("link", name=f"Start with {plan}")
        expect(cta).to_be_visible()
        expect(cta).to_have_attribute("href", "/signup?next=/pricing")
    expect(page.get_by_test_id("plan-team")).to_contain_text("$29")
    screenshot(page, "billing-pricing-signed-out")
    assert not console.csp_violations


def test_owner_subscribes_from_pricing_through_hosted_checkout(page: Page, app_url: str, fake_stripe) -> None:
    sign_in(page, app_url, "owner@globex.test", next_path="/billing")
    expect(page.get_by_test_id("billing-status")).to_have_text("No subscription")
    page.goto(f"{app_url}/chat")  # never subscribed: the owner is sent to pricing
    expect(page).to_have_url(at(app_url, "/pricing"), timeout=20_000)
    page.get_by_label("Seats").fill("3")
    screenshot(page, "billing-pricing-owner")

    # Abandon a checkout first: back on billing, told nothing was charged.
    page.get_by_role("button", name="Subscribe to Starter").click()
    expect(page.get_by_test_id("cancel")).to_be_visible(timeout=20_000)
    page.get_by_test_id("cancel").click()
    expect(page).to_have_url(re.compile(r"/billing/?\?checkout=cancelled$"), timeout=20_000)
    expect(page.get_by_text("Checkout was cancelled — nothing was charged.")).to_be_visible()
    expect(page.get_by_test_id("billing-status")).to_have_text("No subscription")

    page.goto(f"{app_url}/pricing")
    page.get_by_label("Seats").fill("3")
    page.get_by_role("button", name="Subscribe to Team").click()
    expect(page.get_by_test_id("quantity")).to_have_text("3", timeout=20_000)
    screenshot(page, "billing-hosted-checkout")
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(re.compile(r"/billing/?\?checkout=success"), timeout=20_000)
    expect(page.get_by_test_id("billing-status")).to_have_text("Active", timeout=20_000)
    expect(page.get_by_text("Thanks! Your payment went through")).to_be_visible()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    expect(page.get_by_test_id("billing-seats")).to_have_text("3")
    expect(page.get_by_role("button", name="Manage payment details")).to_be_visible()
    screenshot(page, "billing-owner-active")
    assert {d["status"] for d in fake_stripe.state.deliveries} == {200}

    page.goto(f"{app_url}/chat")  # full access now
    expect(page).to_have_url(at(app_url, "/chat"))
    expect(page.get_by_test_id("billing-banner")).to_have_count(0)


def test_payment_failure_then_cancellation_reach_the_owner(page: Page, app_url: str, fake_stripe) -> None:
    subscription = next(
        s for s in fake_stripe.state.subscriptions.values() if s["metadata"].get("plan") == "team"
    )
    admin = httpx.Client(base_url=fake_stripe.base_url, timeout=20)
    status_url = f"/_fake/subscriptions/{subscription['id']}/status"
    assert admin.post(status_url, json={"status": "past_due"}).status_code == 200

    sign_in(page, app_url, "owner@globex.test", next_path="/chat")
    banner = page.get_by_test_id("billing-banner")
    expect(banner).to_contain_text("Payment failed — 3 days left to update your payment details")
    screenshot(page, "billing-past-due-banner")
    page.goto(f"{app_url}/billing")
    expect(page.get_by_test_id("billing-status")).to_have_text("Payment overdue")
    screenshot(page, "billing-owner-past-due")

    assert admin.post(status_url, json={"status": "canceled"}).status_code == 200
    page.goto(f"{app_url}/chat")  # cancelled: the owner is sent to billing
    expect(page).to_have_url(at(app_url, "/billing"), timeout=20_000)
    expect(page.get_by_test_id("billing-status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Subscribe to Team · $29/seat")).to_be_visible()
    screenshot(page, "billing-owner-cancelled")
    assert {d["status"] for d in fake_stripe.state.deliveries} == {200}


def test_admin_sees_billing_read_only(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "admin@acme.test", next_path="/chat")
    nav_link(page, "Billing").click()
    expect(page).to_have_url(at(app_url, "/billing"))
    expect(page.get_by_test_id("billing-status")).to_have_text("Active")
    expect(page.get_by_test_id("billing-read-only")).to_be_visible()
    expect(page.get_by_role("button", name="Manage payment details")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Subscribe"))).to_have_count(0)
    screenshot(page, "billing-admin-read-only")


def test_member_has_no_billing_entry_and_is_refused(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "member@acme.test", next_path="/chat")
    expect(nav_link(page, "Chat")).to_be_visible()
    expect(nav_link(page, "Billing")).to_have_count(0)
    page.goto(f"{app_url}/billing")
    expect(page.get_by_test_id("billing-refused")).to_be_visible()
    expect(page.get_by_test_id("billing-status")).to_have_count(0)


def test_past_due_org_shows_the_banner_with_days_left(page: Page, app_url: str, billing_state) -> None:
    billing_state("past_due", past_due_days=1.2)
    sign_in(page, app_url, "member@acme.test", next_path="/chat")
    expect(page.get_by_test_id("billing-banner")).to_have_text(
        re.compile("Payment failed — 2 days left to update your payment details")
    )


def test_after_the_grace_period_a_member_gets_the_explanation(
    page: Page, app_url: str, billing_state
) -> None:
    billing_state("past_due", past_due_days=3.5)
    sign_in(page, app_url, "member@acme.test", next_path="/billing/inactive")
    page.goto(f"{app_url}/chat")
    expect(page).to_have_url(at(app_url, "/billing/inactive"), timeout=20_000)
    expect(page.get_by_role("heading", name="Skopx is paused for this organization")).to_be_visible()
    expect(page.get_by_test_id("inactive-reason")).to_contain_text("grace period")
    expect(page.get_by_test_id("inactive-owners")).to_contain_text("Olivia Owner (owner@acme.test)")
    screenshot(page, "billing-inactive-member")


def test_a_cancelled_orgs_owner_is_sent_to_billing(page: Page, app_url: str, billing_state) -> None:
    billing_state("canceled")
    sign_in(page, app_url, "owner@acme.test", next_path="/billing")
    page.goto(f"{app_url}/chat")
    expect(page).to_have_url(at(app_url, "/billing"), timeout=20_000)
    expect(page.get_by_test_id("billing-status")).to_have_text("Cancelled")
