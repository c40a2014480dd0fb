"""Every page, signed out and signed in, renders under the strict CSP with a clean console."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e_support import ConsoleWatch, screenshot, sign_in

PUBLIC_PAGES = ["/", "/security", "/pricing", "/login", "/signup"]
APP_PAGES = [
    "/chat",
    "/projects",
    "/settings/account",
    "/settings/organization",
    "/settings/members",
    "/settings/api-keys",
    "/billing",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_console_errors(page: Page, app_url: str, path: str) -> None:
    watch = ConsoleWatch(page)
    page.goto(f"{app_url}{path}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).not_to_be_empty()
    assert watch.errors == []


def test_every_app_page_as_owner_has_no_csp_violation(page: Page, app_url: str) -> None:
    sign_in(page, app_url, "owner@acme.test")
    watch = ConsoleWatch(page)
    for path in APP_PAGES:
        page.goto(f"{app_url}{path}")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible(timeout=20_000)
        page.wait_for_load_state("networkidle")
        screenshot(page, "sweep" + path.replace("/", "-"))
    assert watch.csp_violations == []
    assert watch.errors == []
