"""Sign-in continues to `next` even when submitted before the page's state has loaded."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e_support import DEMO_PASSWORD


def test_submit_before_state_loads_still_goes_to_next(page: Page, app_url: str) -> None:
    # Hold the state websocket open but silent: the login page's state never loads, so its hidden
    # `next` field keeps its default. The address bar's `next` must win.
    page.route_web_socket(re.compile("/_event"), lambda ws: None)
    page.goto(f"{app_url}/login?next=/projects")
    page.get_by_label("Email").fill("member@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("form[action='/api/auth/login'] button[type=submit]").click()
    expect(page).to_have_url(re.compile("^" + re.escape(f"{app_url}/projects") + r"/?$"), timeout=20_000)


def test_an_unsafe_next_is_ignored(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/login?next=//evil.example/")
    page.get_by_label("Email").fill("member@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("form[action='/api/auth/login'] button[type=submit]").click()
    expect(page).to_have_url(re.compile("^" + re.escape(f"{app_url}/chat") + r"/?$"), timeout=20_000)
