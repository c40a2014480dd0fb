"""Server state is bound to its session: a client token replayed after sign-out gets nothing.

The client token travels in the websocket URL (`/_event/?token=…`), so it can leak through proxy
logs. Presenting it after its session ended (with no cookie, or with the signed-out cookie) must not
hand over the previous user's state tree in the hydrate answer.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SERVER_ANTHROPIC_KEY
from tests.e2e_support import sign_in
from tests.reflex_socket import Handshake, HandshakeRecorder, ReflexSocket

PRIVATE_PROMPT = "Summarize the quarter in three bullets."
SECRETS = (PRIVATE_PROMPT, "Board deck", "Board preparation", "owner@acme.test", "Olivia Owner")


def replay(handshake: Handshake, path: str, client: str) -> str:
    with ReflexSocket(handshake, forwarded_for=client, path=path) as socket:
        return socket.settle(3)


@pytest.fixture
def signed_out_handshake(page: Page, app_url: str) -> tuple[Handshake, str]:
    """The Acme owner opens the private "Board deck" conversation and closes the tab; a replay of the
    tab's handshake while still signed in does see it (so the checks below can tell a leak); then the
    session is signed out with the same request the Sign out button sends."""
    recorder = HandshakeRecorder(page)
    sign_in(page, app_url, "owner@acme.test")
    page.get_by_role("link", name="Board deck").first.click()
    expect(page.get_by_text(PRIVATE_PROMPT)).to_be_visible(timeout=20_000)
    handshake, path = recorder.latest(page, app_url), urlparse(page.url).path
    context = page.context
    page.close()  # while a tab holds its token, a second socket presenting it is given a new one
    assert PRIVATE_PROMPT in replay(handshake, path, "198.51.100.31")

    signed_out = context.request.post(
        f"{app_url}/api/auth/logout", headers={"Origin": app_url}, max_redirects=0
    )
    assert signed_out.status in (200, 303), signed_out.status
    return handshake, path


def test_a_replayed_token_without_a_cookie_gets_none_of_the_previous_users_data(signed_out_handshake) -> None:
    handshake, path = signed_out_handshake
    seen = replay(handshake.without_cookie(), path, "198.51.100.32")
    assert seen, "the server answered nothing at all"
    assert [s for s in SECRETS if s in seen] == []


def test_a_replayed_token_with_the_signed_out_cookie_gets_none_of_it_either(signed_out_handshake) -> None:
    handshake, path = signed_out_handshake
    seen = replay(handshake, path, "198.51.100.33")
    assert seen
    assert [s for s in SECRETS if s in seen] == []


def test_a_reply_streaming_at_sign_out_stops_reaching_the_tab(
    page: Page, app_url: str, fake_anthropic
) -> None:
    """The stream outlives the page; once the tab's session ends it must not feed whoever holds the token."""
    script = fake_anthropic.script
    script.reset()
    script.valid_keys = {SERVER_ANTHROPIC_KEY}
    script.tokens_per_second = 8
    words = [f"confidential{n:03d}" for n in range(200)]
    script.add_replies(" ".join(words))
    recorder = HandshakeRecorder(page)
    try:
        sign_in(page, app_url, "member@acme.test")
        page.get_by_role("link", name="Launch checklist").first.click()
        box = page.get_by_role("textbox", name="Message")
        box.fill("Tell me something confidential, slowly.")
        box.press("Enter")
        expect(page.get_by_test_id("streaming-message")).to_contain_text(words[2], timeout=20_000)
        handshake, path = recorder.latest(page, app_url), urlparse(page.url).path
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/login"), timeout=20_000)
        page.close()
        seen = replay(handshake.without_cookie(), path, "198.51.100.34")
    finally:
        script.reset()
        script.valid_keys = {SERVER_ANTHROPIC_KEY}
    assert seen
    assert [w for w in words if w in seen] == []
