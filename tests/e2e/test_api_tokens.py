"""Settings → API tokens in real Chromium, and the token against the real server's /api/v1: a bad name
keeps the form, the secret is shown once, a used token shows its last use, a revoked one is refused."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from backend import routes
from tests.e2e_support import screenshot, sign_in


def api_get(app_url: str, path: str, secret: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {secret}",
        "X-Forwarded-For": f"100.64.9.{uuid.uuid4().int % 250 + 1}",
    }
    return httpx.get(f"{app_url}{routes.API_V1}{path}", headers=headers, timeout=20)


def test_create_use_and_revoke_a_token(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, app_url, "admin@acme.test", next_path=routes.API_TOKENS)
    create = page.get_by_role("button", name="Create token")
    expect(create).to_be_visible()

    # A missing name is explained under the field, which gets the focus back.
    create.click()
    expect(page.get_by_text("Give the token a name of 1–100 characters")).to_be_visible()
    expect(page.get_by_label("Token name")).to_be_focused()

    name = f"CI deploy {uuid.uuid4().hex[:6]}"
    page.get_by_label("Token name").fill(name)
    page.get_by_role("combobox", name="Can act as").click()
    # An admin may give a token up to admin, never owner.
    expect(page.get_by_role("option", name=re.compile("^Owner"))).to_have_count(0)
    page.get_by_role("option", name=re.compile("^Member")).click()
    page.get_by_role("combobox", name="Expires in").click()
    page.get_by_role("option", name="7 days").click()
    create.click()

    shown = page.get_by_test_id("new-token")
    expect(shown).to_have_text(re.compile(r"^skopx_pat_[A-Za-z0-9_-]{43}$"))
    secret = shown.inner_text()
    screenshot(page, "api-tokens-created-1280")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert secret not in page.content()
    row = page.locator(f"tr[data-token='{name}']")
    expect(row).to_contain_text("Never")
    expect(row).to_contain_text("member")

    me = api_get(app_url, routes.V1_ME, secret)
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "member" and me.json()["organization"]["name"] == "Acme"
    assert me.headers["X-RateLimit-Limit"] == "100"
    page.reload()
    expect(page.locator(f"tr[data-token='{name}']")).not_to_contain_text("Never")

    page.get_by_role("button", name=f"Revoke {name}").click()
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_role("status").filter(has_text=f"“{name}” was revoked")).to_be_visible()
    expect(page.locator(f"tr[data-token='{name}']")).to_contain_text("Revoked")
    refused = api_get(app_url, routes.V1_ME, secret)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "api-tokens-390")


def test_the_api_reference_is_public_and_lists_every_operation(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}{routes.API_REFERENCE}")
    expect(page.get_by_role("heading", name="Skopx API")).to_be_visible()
    document = httpx.get(f"{app_url}{routes.API_V1_OPENAPI}", timeout=20).json()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            expect(page.locator(f"#{operation['operationId']}")).to_contain_text(f"{routes.API_V1}{path}")
    screenshot(page, "api-reference-1280")
