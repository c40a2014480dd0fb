"""One budget of 100 requests a minute per client, spent by /api/v1 and by every Reflex event that calls
a service, in real Chromium against the real server; keystrokes (UI-only events) spend nothing."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from backend import routes
from backend.ratelimit import API
from tests.e2e_support import sign_in


def test_events_and_the_api_draw_on_one_budget(page: Page, app_url: str, browser_context_args: dict) -> None:
    address = browser_context_args["extra_http_headers"]["X-Forwarded-For"]
    sign_in(page, app_url, "member@acme.test")
    page.get_by_role("navigation", name="Conversations").get_by_role(
        "link", name=re.compile("^Launch checklist")
    ).first.click()
    expect(page).to_have_url(re.compile(r"/chat/[0-9a-f-]{36}$"), timeout=15_000)
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_visible()
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    api = httpx.Client(
        base_url=f"{app_url}{routes.API_V1}",
        headers={"Cookie": cookie, "X-Forwarded-For": address},
        timeout=20,
    )

    def remaining() -> int:
        answer = api.get(routes.V1_ME)
        assert answer.status_code == 200, answer.text
        return int(answer.headers["X-RateLimit-Remaining"])

    before = remaining()
    assert before < API.limit - 1  # the page loads already spent some
    box.press_sequentially("forty characters typed one key at a time")
    expect(page.get_by_test_id("composer-count")).to_contain_text("40 / 32,000")
    assert remaining() == before - 1  # only that request itself

    while remaining() > 0:
        pass
    refused = api.get(routes.V1_ME)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1

    # The same client's next service call over the websocket is refused too, with the wait in words.
    page.get_by_role("link", name="Projects").click()
    expect(page.get_by_text(f"You've reached the limit of {API.limit} requests a minute")).to_be_visible()
