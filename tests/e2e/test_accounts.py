"""Accounts in real Chromium against the production build: sign-up, sign-in/out, the session cookie,
the members page for every seeded Acme role, invitations across two browser contexts, and the account
and organization settings. Negative paths first. Data created here uses unique emails and names; the
seeded users' roles and passwords are never changed."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e_support import DEMO_PASSWORD, screenshot, sign_in

NEW_PASSWORD = "Fresh-start-2026!"
LOGIN_URL = re.compile(r"/login/?\?")


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def sign_up(page: Page, app_url: str, email: str, name: str = "Test Person", next_path: str = "") -> None:
    page.goto(f"{app_url}/signup" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Create account").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/?\?notice=signed_out"), timeout=20_000)


def session_cookie(context) -> dict:
    return next(c for c in context.cookies() if c["name"].endswith("skopx_session"))


def row(page: Page, email: str):
    """The table row (member or invitation) that shows `email`."""
    return page.get_by_role("row").filter(has_text=email)


def toast(page: Page, text: str | re.Pattern):
    return page.get_by_role("status").filter(has_text=text)


# ------------------------------------------------------------------ negative paths
@pytest.mark.parametrize("path", ["/settings/members", "/settings/organization", "/settings/account"])
def test_settings_pages_redirect_to_sign_in_when_signed_out(page: Page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}{path}")
    expect(page).to_have_url(re.compile(r"/login/?\?next=" + re.escape(path)), timeout=20_000)


def test_invite_link_signed_out_explains_and_offers_sign_in_and_sign_up(
    page: Page, app_url: str, console
) -> None:
    token = "A" * 43
    page.goto(f"{app_url}/invite/{token}")
    expect(page.get_by_role("heading", name="Join an organization")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Sign in with the email address the invitation was sent to")).to_be_visible()
    sign_in_link = page.get_by_role("link", name="Sign in to accept")
    expect(sign_in_link).to_have_attribute("href", f"/login?next=/invite/{token}")
    expect(page.get_by_role("link", name="Create an account")).to_have_attribute(
        "href", f"/signup?next=/invite/{token}"
    )
    screenshot(page, "invite-signed-out")
    assert console.errors == []


def test_invalid_invite_link_says_what_to_do(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "member@acme.test")
    page.goto(f"{app_url}/invite/{'B' * 43}")
    page.get_by_role("button", name="Accept invitation").click()
    expect(
        page.get_by_role("alert").filter(has_text="invalid, has expired or has already been used")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Go to Skopx")).to_be_visible()
    screenshot(page, "invite-invalid")


def test_logged_out_session_cookie_replayed_is_refused(page: Page, app_url: str, browser: Browser) -> None:
    sign_in(page, app_url, "viewer@acme.test", next_path="/settings/account")
    stolen = session_cookie(page.context)
    sign_out(page)
    replay = browser.new_context(base_url=app_url)
    try:
        replay.add_cookies([stolen])
        other = replay.new_page()
        other.goto(f"{app_url}/settings/account")
        expect(other).to_have_url(LOGIN_URL, timeout=20_000)
        expect(other.get_by_text("Your session has ended")).to_be_visible()
    finally:
        replay.close()


# ------------------------------------------------------------------ sign-up, sign-out, sign-in
def test_sign_up_lands_in_the_app_then_sign_out_and_back_in(page: Page, app_url: str, console) -> None:
    email = f"{unique('signup')}@example.test"
    sign_up(page, app_url, email, name="Sam Signup")
    expect(page).to_have_url(re.compile(r"/chat/?$"), timeout=20_000)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible(timeout=20_000)
    cookie = session_cookie(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "skopx_session" not in page.evaluate("document.cookie")
    sign_out(page)
    page.goto(f"{app_url}/settings/members")
    expect(page).to_have_url(LOGIN_URL, timeout=20_000)
    sign_in(page, app_url, email, next_path="/settings/account")
    expect(page.get_by_label("Display name")).to_have_value("Sam Signup")
    assert "skopx_session" not in page.evaluate("document.cookie")
    assert console.csp_violations == []


# ------------------------------------------------------------------ the members page, role by role
def test_viewer_and_member_see_the_list_read_only(page: Page, app_url: str) -> None:
    for email in ("viewer@acme.test", "member@acme.test"):
        page.context.clear_cookies()
        sign_in(page, app_url, email, next_path="/settings/members")
        expect(row(page, "owner@acme.test")).to_be_visible(timeout=20_000)
        for seeded in ("owner@acme.test", "admin@acme.test", "member@acme.test", "viewer@acme.test"):
            expect(row(page, seeded)).to_be_visible()
        expect(page.get_by_text("Only admins and owners can invite people or change roles")).to_be_visible()
        expect(page.get_by_role("combobox")).to_have_count(1)  # the org switcher only
        expect(page.get_by_role("button", name=re.compile("^Actions for"))).to_have_count(0)
        expect(page.get_by_role("button", name="Create invitation")).to_have_count(0)
        expect(page.get_by_role("button", name="Leave")).to_be_visible()
        screenshot(page, f"members-{email.split('@')[0]}")


def test_admin_manages_non_owners_but_never_owners(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "admin@acme.test", next_path="/settings/members")
    owner_row = row(page, "owner@acme.test")
    expect(owner_row).to_be_visible(timeout=20_000)
    expect(owner_row.get_by_role("combobox")).to_have_count(0)
    expect(owner_row.get_by_role("button")).to_have_count(0)
    for email in ("member@acme.test", "viewer@acme.test"):
        managed = row(page, email)
        expect(managed.get_by_role("combobox")).to_have_count(1)
        expect(managed.get_by_role("button", name=re.compile("^Actions for"))).to_have_count(1)
    admin_row = row(page, "admin@acme.test")
    expect(admin_row.get_by_role("button", name="Leave")).to_be_visible()
    # Admins cannot offer the owner role in an invitation.
    page.get_by_role("combobox", name="Role for the invitation").click()
    expect(page.get_by_role("option", name="owner")).to_have_count(0)
    expect(page.get_by_role("option", name="viewer")).to_be_visible()
    page.keyboard.press("Escape")
    # The transfer-ownership action is an owner's only.
    row(page, "member@acme.test").get_by_role("button", name=re.compile("^Actions for")).click()
    expect(page.get_by_role("menuitem", name="Remove from organization")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Transfer ownership")).to_have_count(0)
    page.keyboard.press("Escape")
    screenshot(page, "members-admin")


def test_owner_sees_every_control(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "owner@acme.test", next_path="/settings/members")
    expect(row(page, "viewer@acme.test")).to_be_visible(timeout=20_000)
    for email in ("admin@acme.test", "member@acme.test", "viewer@acme.test"):
        expect(row(page, email).get_by_role("combobox")).to_have_count(1)
    expect(row(page, "owner@acme.test").get_by_role("combobox")).to_have_count(0)
    page.get_by_role("combobox", name="Role for the invitation").click()
    expect(page.get_by_role("option", name="owner")).to_be_visible()
    page.keyboard.press("Escape")
    row(page, "viewer@acme.test").get_by_role("button", name=re.compile("^Actions for")).click()
    expect(page.get_by_role("menuitem", name="Transfer ownership")).to_be_visible()
    page.keyboard.press("Escape")
    # The last owner cannot leave: the server says why.
    row(page, "owner@acme.test").get_by_role("button", name="Leave").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Leave Acme?")
    screenshot(page, "members-owner-leave-dialog")
    dialog.get_by_role("button", name="Leave organization").click()
    expect(toast(page, "must keep at least one owner")).to_be_visible(timeout=10_000)
    expect(page).to_have_url(re.compile(r"/settings/members/?$"))
    screenshot(page, "members-owner")


# ------------------------------------------------------------------ invitations across two browsers
def test_invitation_accepted_by_a_new_user_in_a_second_browser(
    page: Page, app_url: str, browser: Browser, console
) -> None:
    invitee = f"{unique('invitee')}@example.test"
    sign_in(page, app_url, "admin@acme.test", next_path="/settings/members")
    email_box = page.get_by_label("Email address")
    # Bad input first: the field is marked, the message says what to fix, the text stays.
    email_box.fill("not an email")
    page.get_by_role("button", name="Create invitation").click()
    expect(
        page.get_by_role("alert").filter(has_text="Enter an address like name@example.com")
    ).to_be_visible()
    expect(email_box).to_have_value("not an email")
    expect(email_box).to_have_attribute("aria-invalid", "true")
    email_box.fill(invitee)
    page.get_by_role("combobox", name="Role for the invitation").click()
    page.get_by_role("option", name="viewer").click()
    page.get_by_role("button", name="Create invitation").click()
    link_box = page.get_by_label("Invitation link")
    expect(link_box).to_have_value(
        re.compile(r"^http://localhost:\d+/invite/[A-Za-z0-9_-]{40,}$"), timeout=10_000
    )
    link = link_box.input_value()
    expect(row(page, invitee)).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(toast(page, "Link copied")).to_be_visible()
    screenshot(page, "members-invitation-created")
    assert console.csp_violations == []
    assert console.errors == [], console.errors

    second = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.77"})
    try:
        other = second.new_page()
        other.goto(link.replace("http://localhost", app_url.rsplit(":", 1)[0]))
        other.get_by_role("link", name="Create an account").click()
        expect(other).to_have_url(re.compile(r"/signup/?\?next=/invite/"), timeout=20_000)
        other.get_by_label("Name").fill("Ivy Invitee")
        other.get_by_label("Work email").fill(invitee)
        other.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        other.get_by_role("button", name="Create account").click()
        expect(other).to_have_url(re.compile(r"/invite/[A-Za-z0-9_-]+/?$"), timeout=20_000)
        expect(other.get_by_text(f"Signed in as {invitee}")).to_be_visible(timeout=20_000)
        screenshot(other, "invite-ready")
        other.get_by_role("button", name="Accept invitation").click()
        expect(other).to_have_url(re.compile(r"/settings/members/?$"), timeout=20_000)
        expect(toast(other, "Welcome to Acme! You joined as a viewer.")).to_be_visible(timeout=10_000)
        expect(row(other, invitee).get_by_text("You")).to_be_visible()
        expect(other.get_by_role("button", name="Create invitation")).to_have_count(0)
        # Single use: the same link now refuses.
        other.goto(link.replace("http://localhost", app_url.rsplit(":", 1)[0]))
        other.get_by_role("button", name="Accept invitation").click()
        expect(other.get_by_role("alert").filter(has_text="already been used")).to_be_visible()
    finally:
        second.close()

    page.reload()
    invitee_row = row(page, invitee)
    expect(invitee_row).to_be_visible(timeout=20_000)
    invitee_row.get_by_role("combobox").click()
    page.get_by_role("option", name="member").click()
    expect(toast(page, "Ivy Invitee is now a member")).to_be_visible(timeout=10_000)
    invitee_row.get_by_role("button", name=re.compile("^Actions for")).click()
    page.get_by_role("menuitem", name="Remove from organization").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove member").click()
    expect(toast(page, "Ivy Invitee was removed")).to_be_visible(timeout=10_000)
    expect(invitee_row).to_have_count(0)


# ------------------------------------------------------------------ account and organization settings
def test_account_password_change_and_deletion(page: Page, app_url: str, browser: Browser) -> None:
    email = f"{unique('account')}@example.test"
    sign_up(page, app_url, email, name="Alex Account")
    expect(page).to_have_url(re.compile(r"/chat/?$"), timeout=20_000)
    other = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.78"})
    try:
        other_page = other.new_page()
        sign_in(other_page, app_url, email, next_path="/settings/account")
        page.goto(f"{app_url}/settings/account")
        expect(page.get_by_text("other device(s)")).to_be_visible(timeout=20_000)
        # Wrong current password: marked, explained, nothing lost.
        page.get_by_label("Current password").fill("Not-my-password-1!")
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_text("Your current password is incorrect.")).to_be_visible()
        expect(page.get_by_label("New password", exact=True)).to_have_value(NEW_PASSWORD)
        page.get_by_label("Current password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Change password").click()
        expect(toast(page, "1 other session signed out")).to_be_visible(timeout=10_000)
        other_page.goto(f"{app_url}/settings/members")
        expect(other_page).to_have_url(LOGIN_URL, timeout=20_000)
    finally:
        other.close()
    screenshot(page, "account")
    page.get_by_role("button", name="Delete my account…").click()
    dialog = page.get_by_role("alertdialog")
    confirm = dialog.get_by_role("button", name="Delete account")
    expect(confirm).to_be_disabled()
    dialog.get_by_label(re.compile("Type your email")).fill(email)
    expect(confirm).to_be_enabled()
    screenshot(page, "account-delete-dialog")
    confirm.click()
    expect(page).to_have_url(re.compile(r"/login/?\?notice=deleted"), timeout=20_000)
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()


def test_sole_owner_of_a_team_cannot_delete_their_account(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "owner@globex.test", next_path="/settings/account")
    expect(page.get_by_text("Delete account", exact=True)).to_be_visible()
    # Globex has one member, so Grace may delete it; Acme's owner is blocked instead.
    page.context.clear_cookies()
    sign_in(page, app_url, "owner@acme.test", next_path="/settings/account")
    expect(page.get_by_text(re.compile(r"You are the only owner of\s*Acme"))).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Delete my account…").click()
    page.get_by_role("alertdialog").get_by_label(re.compile("Type your email")).fill("owner@acme.test")
    page.get_by_role("alertdialog").get_by_role("button", name="Delete account").click()
    expect(toast(page, "only owner of Acme")).to_be_visible(timeout=10_000)
    expect(page).to_have_url(re.compile(r"/settings/account/?$"))


def test_organization_create_rename_and_delete(page: Page, app_url: str) -> None:
    email = f"{unique('orgs')}@example.test"
    sign_up(page, app_url, email, name="Olga Orgs")
    expect(page).to_have_url(re.compile(r"/chat/?$"), timeout=20_000)
    page.goto(f"{app_url}/settings/organization")
    name_box = page.get_by_label("Organization name", exact=True)
    expect(name_box).to_have_value("Olga Orgs's workspace", timeout=20_000)
    name_box.fill("   ")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter an organization name of 1 to 100 characters.")).to_be_visible()
    new_org = unique("Team")
    page.get_by_label("New organization name").fill(new_org)
    page.get_by_role("button", name="Create organization").click()
    expect(page).to_have_url(re.compile(r"/settings/members/?$"), timeout=20_000)
    expect(toast(page, f"{new_org} was created")).to_be_visible(timeout=10_000)
    page.goto(f"{app_url}/settings/organization")
    expect(page.get_by_label("Organization name", exact=True)).to_have_value(new_org, timeout=20_000)
    renamed = unique("Renamed")
    page.get_by_label("Organization name", exact=True).fill(renamed)
    page.get_by_role("button", name="Save").click()
    expect(toast(page, f"now called {renamed}")).to_be_visible(timeout=10_000)
    screenshot(page, "organization")
    page.get_by_role("button", name="Delete this organization…").click()
    dialog = page.get_by_role("alertdialog")
    confirm = dialog.get_by_role("button", name="Delete organization")
    dialog.get_by_label(re.compile("to confirm")).fill(renamed.lower())
    expect(confirm).to_be_disabled()
    dialog.get_by_label(re.compile("to confirm")).fill(renamed)
    screenshot(page, "organization-delete-dialog")
    confirm.click()
    expect(page).to_have_url(re.compile(r"/settings/organization/?$"), timeout=20_000)
    expect(toast(page, f"{renamed} and everything in it was deleted")).to_be_visible(timeout=10_000)
    expect(page.get_by_label("Organization name", exact=True)).to_have_value("Olga Orgs's workspace")
