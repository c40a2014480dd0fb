"""BYOK settings page in real Chromium: save → masked, reload → masked, delete → gone, and the full key
never reaches the page, the websocket traffic the page receives, or the server log.

Saving runs with verification off; the "Verify with Anthropic" path is exercised against the local
fake Anthropic server (tests/fakes), which accepts only its configured server key and so rejects the
random key typed here.
"""

from __future__ import annotations

import re
import secrets
import string
import time

from playwright.sync_api import Page, WebSocket, expect

from tests.e2e_support import ARTIFACTS, screenshot
from tests.e2e_support import sign_in as shared_sign_in

ALPHABET = string.ascii_letters + string.digits + "-_"
SERVER_LOG = ARTIFACTS / "e2e-server.log"


def random_key() -> str:
    return "sk-ant-api03-" + "".join(secrets.choice(ALPHABET) for _ in range(60))


def fragments(key: str) -> list[str]:
    """The key and its secret middle (the displayed form legitimately holds the prefix and last 4)."""
    return [key, key[len("sk-ant-") : -4]]


class Frames:
    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self.received: list[str] = []
        page.on("websocket", self._watch)

    def _watch(self, ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: self.sent.append(_text(payload)))
        ws.on("framereceived", lambda payload: self.received.append(_text(payload)))


def _text(payload: str | bytes) -> str:
    return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")


def sign_in(page: Page, app_url: str, email: str, next_path: str) -> None:
    shared_sign_in(
        page, app_url, email, next_path=next_path, ready=lambda p: p.get_by_role("heading", name="API keys")
    )


def _log_size() -> int:
    return SERVER_LOG.stat().st_size if SERVER_LOG.exists() else 0


def _assert_not_in_html(page: Page, *keys: str) -> None:
    html = page.content()
    for key in keys:
        for fragment in fragments(key):
            assert fragment not in html


def test_a_key_is_saved_masked_kept_and_deleted_without_ever_leaking(
    page: Page, app_url: str, console
) -> None:
    key, rejected = random_key(), random_key()
    log_start = _log_size()
    frames = Frames(page)
    sign_in(page, app_url, "member@acme.test", next_path="/settings/api-keys")

    key_input = page.get_by_label("Anthropic API key", exact=True)
    expect(page.get_by_text("No API key yet")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("chat-key-source")).to_contain_text("this workspace's server key")
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-keys-empty")

    # A malformed key: the error shows in place, and what was typed stays to be corrected.
    key_input.fill("sk-live-" + "x" * 45)
    key_input.press("Enter")
    expect(page.locator("#api-key-error")).to_contain_text("start with")
    expect(key_input).to_have_attribute("aria-invalid", "true")
    expect(key_input).to_be_focused()
    screenshot(page, "api-keys-field-error")

    # Save (verification off), with the keyboard.
    key_input.fill(key)
    key_input.press("Enter")
    masked = f"sk-ant-****{key[-4:]}"
    expect(page.get_by_test_id("masked-key")).to_have_text(masked, timeout=20_000)
    expect(page.get_by_test_id("notice")).to_have_text(f"Key saved. Chat now uses your key {masked}.")
    expect(page.get_by_test_id("chat-key-source")).to_contain_text("your own key")
    expect(page.get_by_text(re.compile(r"Added \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC"))).to_be_visible()
    expect(page.get_by_label("Replace with a new key")).to_have_value("")
    screenshot(page, "api-keys-saved")
    _assert_not_in_html(page, key)

    page.reload()
    expect(page.get_by_test_id("masked-key")).to_have_text(masked, timeout=20_000)
    _assert_not_in_html(page, key)

    # "Verify with Anthropic": the fake Anthropic server rejects this key; the saved key stays.
    replace_input = page.get_by_label("Replace with a new key")
    replace_input.fill(rejected)
    page.get_by_role("checkbox", name=re.compile("Verify with Anthropic")).click()
    page.get_by_role("button", name="Replace key").click()
    expect(page.locator("#api-key-error")).to_contain_text("Anthropic rejected this key", timeout=20_000)
    expect(page.get_by_test_id("masked-key")).to_have_text(masked)
    screenshot(page, "api-keys-verify-rejected")

    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("falls back to this workspace's server key")
    screenshot(page, "api-keys-delete-dialog")
    dialog.get_by_role("button", name="Delete key").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("notice")).to_contain_text(
        "was deleted. Chat now uses this workspace's server key."
    )
    expect(page.get_by_label("Anthropic API key", exact=True)).to_have_value("")
    expect(page.get_by_text("No API key yet")).to_be_visible()
    expect(page.get_by_test_id("masked-key")).to_have_count(0)
    expect(page.get_by_test_id("chat-key-source")).to_contain_text("this workspace's server key")
    page.reload()
    expect(page.get_by_text("No API key yet")).to_be_visible(timeout=20_000)
    screenshot(page, "api-keys-deleted")
    _assert_not_in_html(page, key, rejected)

    assert frames.received, "the page's websocket traffic was not observed"
    for typed in (key, rejected):
        for fragment in fragments(typed):
            assert not [f for f in frames.received if fragment in f], "a key came back to the browser"
        # Each key leaves the browser exactly once: in its own submit event.
        assert len([f for f in frames.sent if typed in f]) == 1

    time.sleep(0.5)  # let the server flush its last lines
    with SERVER_LOG.open("rb") as log:
        log.seek(log_start)
        lines = log.read().decode("utf-8", "replace").splitlines()
    assert not [line for line in lines if "EvalError" in line or "Frontend Exception" in line]
    for line in lines:
        for typed in (key, rejected):
            for fragment in fragments(typed):
                assert fragment not in line
    assert console.errors == []
