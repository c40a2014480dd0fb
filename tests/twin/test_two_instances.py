"""Two instances, one database, one Redis: a session, a request budget and saved work belong to the
deployment, not to the instance that happened to serve them.

The tests run in file order on one pair of instances; the last one stops instance A for good.
"""

from __future__ import annotations

import itertools
import random
import re
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect

from backend import routes
from backend.ratelimit import API
from backend.services import access_tokens, sessions
from tests.e2e_support import DEMO_PASSWORD, sign_in
from tests.twin.conftest import A_PORT, B_PORT, REDIS_URL, Twin

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (CI sets redis://127.0.0.1:6379/15)"),
]

V1 = routes.API_V1
# Client addresses of this run (rate-limit counts outlive a run by up to a minute).
_RUN = random.randint(64, 127)
_numbers = itertools.count(random.randint(0, 50_000))


def new_client() -> str:
    n = next(_numbers)
    return f"100.{_RUN}.{n // 250 % 250}.{n % 250 + 1}"


def sign_in_over_http(base: str, email: str, client: str) -> str:
    """POST the sign-in form to `base`; returns the session cookie as a Cookie header."""
    answer = httpx.post(
        base + routes.API_LOGIN,
        data={"email": email, "password": DEMO_PASSWORD},
        headers={"X-Forwarded-For": client},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == routes.CHAT
    (name, value), *_ = answer.cookies.items()
    return f"{name}={value}"


def assert_alive(twin: Twin) -> None:
    assert twin.a_process.poll() is None, (
        "instance A is not running: this test runs before the one stopping it"
    )


def test_signed_in_through_a_the_session_works_through_b(twin: Twin) -> None:
    assert_alive(twin)
    client = new_client()
    cookie = sign_in_over_http(twin.a, "owner@acme.test", client)
    session = {"Cookie": cookie, "Origin": twin.front, "X-Forwarded-For": client}

    created = httpx.post(
        f"{twin.b}{V1}{routes.V1_PROJECTS}", json={"name": "Made through B"}, headers=session
    )
    assert created.status_code == 201, created.text
    project = created.json()
    read_back = httpx.get(twin.a + V1 + routes.V1_PROJECT.format(project_id=project["id"]), headers=session)
    assert read_back.status_code == 200, read_back.text
    assert read_back.json()["name"] == "Made through B"

    # Signing out through B ends the session everywhere: A refuses the cookie at once.
    signed_out = httpx.post(twin.b + routes.API_LOGOUT, headers=session)
    assert signed_out.status_code in (200, 303), signed_out.text
    refused = httpx.get(f"{twin.a}{V1}{routes.V1_ME}", headers=session)
    assert refused.status_code == 401, refused.text


async def test_one_token_has_one_budget_across_both_instances(twin: Twin) -> None:
    assert_alive(twin)
    cookie = sign_in_over_http(twin.b, "member@acme.test", new_client())
    user = await sessions.resolve_session(cookie)
    ctx = await sessions.context_in(user, user.memberships[0].org_id)
    token = await access_tokens.create_token(ctx=ctx, name="twin", role_ceiling="member", expires_in_days=7)

    def ask(client: httpx.AsyncClient, base: str):
        # A new client address for every request: only the token's count can run out.
        headers = {"Authorization": f"Bearer {token.secret}", "X-Forwarded-For": new_client()}
        return client.get(f"{base}{V1}{routes.V1_PROJECTS}", headers=headers)

    remaining = []
    async with httpx.AsyncClient(timeout=30) as client:
        for n in range(API.limit):
            answer = await ask(client, (twin.a, twin.b)[n % 2])
            assert answer.status_code == 200, (n, answer.text)
            remaining.append(int(answer.headers["X-RateLimit-Remaining"]))
        refusals = [await ask(client, twin.a), await ask(client, twin.b)]

    assert remaining == list(range(API.limit - 1, -1, -1)), "the two instances counted apart"
    for refused in refusals:
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "rate_limited"
        assert refused.headers["X-RateLimit-Limit"] == str(API.limit)
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert int(refused.headers["X-RateLimit-Reset"]) > 0
        assert 1 <= int(refused.headers["Retry-After"]) <= API.window_seconds


class SocketFrames:
    """The text frames each websocket the page opens receives, one list per socket, in opening order."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.sockets: list[list[str]] = []
        page.on("websocket", self._opened)

    def _opened(self, socket) -> None:
        frames: list[str] = []
        self.sockets.append(frames)
        socket.on("framereceived", lambda frame: frames.append(frame if isinstance(frame, str) else ""))

    def wait_for(self, text: str, *, in_sockets_from: int, timeout_ms: int = 30_000) -> None:
        for _ in range(timeout_ms // 100):
            if any(text in frame for frames in self.sockets[in_sockets_from:] for frame in frames):
                return
            self.page.wait_for_timeout(100)  # Playwright delivers events while it waits
        raise AssertionError(f"no websocket opened since socket {in_sockets_from} received {text!r}")


def test_instance_a_stopped_mid_session_loses_nothing(twin: Twin, page: Page) -> None:
    assert_alive(twin)
    frames = SocketFrames(page)
    sign_in(page, twin.front, "member@acme.test", next_path=routes.PROJECTS)
    page.get_by_role("link", name="Launch plan").click()
    expect(page.get_by_test_id("project-name")).to_have_text("Launch plan")
    project_id = urlparse(page.url).path.rsplit("/", 1)[1]

    def add_task(title: str) -> None:
        page.get_by_label("New task").fill(title)
        page.get_by_role("button", name="Add").click()
        expect(page.get_by_test_id("task-row").filter(has_text=title)).to_be_visible(timeout=30_000)

    add_task("Saved through A")
    assert twin.balancer.served[B_PORT] == 0 and twin.balancer.served[A_PORT] > 0

    sockets_before = len(frames.sockets)
    twin.kill_a()
    # The tab reconnects on its own, through the balancer to B, and is sent its page again, with the
    # task saved through A; then it acts. (An action sent while it reconnects is refused: Reflex still
    # finds A's socket record for the tab's token in Redis, gives the tab a new token, so a new state
    # tree, and the action reaches that tree before the page's loader has filled it.)
    frames.wait_for("Saved through A", in_sockets_from=sockets_before)
    assert twin.balancer.served[B_PORT] > 0
    add_task("Saved through B")

    page.reload()
    expect(page).to_have_url(re.compile(re.escape(twin.front + routes.project(project_id))))
    for title in ("Saved through A", "Saved through B"):
        expect(page.get_by_test_id("task-row").filter(has_text=title)).to_be_visible(timeout=20_000)

    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    listed = httpx.get(
        twin.b + V1 + routes.V1_PROJECT_TASKS.format(project_id=project_id), headers={"Cookie": cookie}
    )
    assert listed.status_code == 200, listed.text
    titles = {task["title"] for task in listed.json()["items"]}
    assert {"Saved through A", "Saved through B"} <= titles
