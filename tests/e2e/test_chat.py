"""Streaming chat in Chromium against the production build, with the local Anthropic server as Claude."""

from __future__ import annotations

import base64
import re
import time
import uuid

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e_support import screenshot, sign_in

LONG_REPLY = " ".join(f"word{i}" for i in range(60))


@pytest.fixture
def script(fake_anthropic):
    fake_anthropic.script.reset()
    fake_anthropic.script.valid_keys = {"sk-ant-test-server-key-0000000000000000000000"}
    yield fake_anthropic.script
    fake_anthropic.script.reset()
    fake_anthropic.script.valid_keys = {"sk-ant-test-server-key-0000000000000000000000"}


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def new_conversation(page: Page, app_url: str) -> str:
    """Create a project through the UI, start a conversation in it; returns the project name."""
    name = unique("Chat e2e")
    page.goto(f"{app_url}/projects")
    page.get_by_role("button", name="New project").click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_test_id("project-name")).to_have_text(name)
    page.get_by_role("button", name="New conversation").click()
    expect(page).to_have_url(re.compile(r"/chat/[0-9a-f-]{36}$"), timeout=15_000)
    expect(page.get_by_test_id("empty-conversation")).to_be_visible()
    return name


def send(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def test_reply_streams_in_visibly_and_survives_a_reload(page: Page, app_url, script, console) -> None:
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    script.tokens_per_second = 25
    script.add_replies("Here is **bold** and code:\n\n```python\nprint('hi')\n```\n\n" + LONG_REPLY)
    box = page.get_by_role("textbox", name="Message")
    box.fill("First line")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    expect(page.get_by_test_id("composer-count")).to_contain_text("22 / 32,000")
    box.press("Enter")
    expect(page.get_by_test_id("user-message")).to_have_text("First line\nsecond line")
    expect(box).to_have_value("")
    streaming = page.get_by_test_id("streaming-message")
    expect(streaming).to_be_visible(timeout=10_000)
    lengths = set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and streaming.count():
        text = streaming.inner_text() if streaming.count() else ""
        if text:
            lengths.add(len(text))
        page.wait_for_timeout(100)
    assert len(lengths) >= 3, f"the reply should appear progressively, saw lengths {sorted(lengths)}"
    answer = page.get_by_test_id("assistant-message")
    expect(answer).to_contain_text("word59")
    expect(answer.locator("strong")).to_have_text("bold")
    expect(answer.locator(".skopx-code-block code")).to_have_text("print('hi')")
    expect(page.get_by_test_id("conversation-title")).to_have_text("First line")
    answer.get_by_role("button", name="Copy code").click()
    expect(page.get_by_text("Copied to the clipboard")).to_be_visible()
    screenshot(page, "chat-streamed-reply")
    page.reload()
    expect(page.get_by_test_id("assistant-message")).to_contain_text("word59")
    expect(page.get_by_test_id("user-message")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Conversations")).to_contain_text("First line")
    assert console.csp_violations == []


def test_raw_html_in_a_reply_is_not_executed(page: Page, app_url, script, console) -> None:
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    script.add_replies('Look: <img src=x onerror="window.__pwned=1"> <b>not bold</b>')
    send(page, "Show me HTML")
    answer = page.get_by_test_id("assistant-message")
    expect(answer).to_contain_text("<b>not bold</b>")
    assert answer.locator("img, b").count() == 0
    assert page.evaluate("window.__pwned") is None


# SKOPX_IMAGE_DOMAINS of the e2e app (tests/e2e/conftest.py); the browser's requests to it are answered
# by a route below, so nothing leaves the machine.
ALLOWED_IMAGE = "https://images.skopx.test/chart.png"
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
HOSTILE_IMAGES = {
    "tracker": "https://evil.skopx.test/pixel.png?leak=conversation",
    "userinfo": "https://images.skopx.test@evil.skopx.test/x.png",
    "lookalike": "https://images.skopx.test.evil.skopx.test/x.png",
    "plain http": "http://images.skopx.test/chart.png",
    "own origin": "/favicon.ico?from-a-reply",
    "inline data": "data:image/png;base64,iVBORw0KGgo=",
}


def test_a_reply_shows_only_allowlisted_images(page: Page, app_url, script, console) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(
        "https://images.skopx.test/**", lambda route: route.fulfill(body=PIXEL_PNG, content_type="image/png")
    )
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    images = "\n\n".join(f"![{alt}]({url})" for alt, url in HOSTILE_IMAGES.items())
    script.add_replies(f"A chart: ![quarterly chart]({ALLOWED_IMAGE})\n\n{images}\n\nThe end.")
    send(page, "Show me the chart")
    for reloaded in (False, True):  # rendered from the live turn, then from the stored history
        if reloaded:
            page.reload()
        answer = page.get_by_test_id("assistant-message")
        expect(answer).to_contain_text("The end.", timeout=20_000)
        chart = answer.get_by_role("img", name="quarterly chart")
        expect(chart).to_have_attribute("src", ALLOWED_IMAGE)
        expect(chart).to_have_js_property("naturalWidth", 1)
        blocked = answer.locator(".skopx-image-blocked")
        expect(blocked).to_have_text([f"Image not shown: {alt}" for alt in HOSTILE_IMAGES])
        assert answer.locator("img").count() == 1
        page.wait_for_load_state("networkidle")
    screenshot(page, "chat-images")
    assert ALLOWED_IMAGE in requested
    markers = ("evil.skopx.test", "from-a-reply", "http://images.skopx.test")
    leaked = [url for url in requested if any(marker in url for marker in markers)]
    assert leaked == []
    assert console.csp_violations == []


def test_stop_keeps_the_partial_reply_marked_stopped(page: Page, app_url, script, console) -> None:
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    script.tokens_per_second = 10
    script.add_replies(LONG_REPLY)
    send(page, "Count slowly")
    streaming = page.get_by_test_id("streaming-message")
    expect(streaming).to_contain_text("word4", timeout=10_000)
    page.get_by_role("button", name="Stop generating").click()
    stopped = page.locator("[data-testid=assistant-message][data-status=stopped]")
    expect(stopped).to_be_visible(timeout=10_000)
    expect(stopped).to_contain_text("Stopped — partial reply")
    partial = stopped.inner_text()
    assert "word59" not in partial
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    screenshot(page, "chat-stopped")
    page.reload()
    stopped = page.locator("[data-testid=assistant-message][data-status=stopped]")
    expect(stopped).to_contain_text("word4")
    assert "word59" not in stopped.inner_text()
    assert console.csp_violations == []


def test_an_overloaded_model_shows_the_message_and_retry_succeeds(
    page: Page, app_url, script, console
) -> None:
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    script.add_errors("rate_limit")
    script.add_replies("Second time lucky.")
    send(page, "Please answer this")
    expect(page.get_by_test_id("chat-error")).to_have_text("Claude is busy right now. Retry in a moment.")
    expect(page.get_by_test_id("user-message")).to_have_text("Please answer this")
    screenshot(page, "chat-error-retry")
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_test_id("assistant-message")).to_have_text("Second time lucky.")
    expect(page.get_by_test_id("chat-failure")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("user-message")).to_have_count(1)
    expect(page.get_by_test_id("assistant-message")).to_have_text("Second time lucky.")
    assert console.csp_violations == []


def test_a_failure_before_sending_keeps_the_typed_text(page: Page, app_url, script) -> None:
    sign_in(page, app_url, "member@acme.test")
    new_conversation(page, app_url)
    box = page.get_by_role("textbox", name="Message")
    box.fill("x" * 32_001)
    expect(page.get_by_test_id("composer-too-long")).to_contain_text("Shorten it by 1 to send")
    expect(page.get_by_role("button", name="Send message")).to_be_disabled()
    box.press("Enter")
    expect(page.get_by_text("Messages can be at most 32,000 characters")).to_be_visible()
    expect(box).to_have_value("x" * 32_001)
    assert script.requests == []


def test_viewer_reads_but_gets_no_composer(page: Page, app_url) -> None:
    sign_in(page, app_url, "viewer@acme.test")
    page.get_by_role("navigation", name="Conversations").get_by_role(
        "link", name=re.compile("Launch checklist")
    ).click()
    expect(page.get_by_test_id("assistant-message").first).to_contain_text("Billing, backups")
    expect(page.get_by_test_id("read-only-note")).to_contain_text("Viewers can't send messages")
    expect(page.get_by_role("textbox", name="Message")).to_have_count(0)
    screenshot(page, "chat-viewer")


def test_another_organizations_conversation_is_not_found(page: Page, app_url, migrated_database) -> None:
    with psycopg.connect(migrated_database) as conn:
        theirs = conn.execute("select id from conversations where title = 'Welcome' limit 1").fetchone()[0]
    sign_in(page, app_url, "owner@acme.test")
    page.goto(f"{app_url}/chat/{theirs}")
    expect(page.get_by_test_id("not-found")).to_contain_text("Conversation not found")
    expect(page.get_by_text("Welcome")).to_have_count(0)
    screenshot(page, "chat-not-found")
