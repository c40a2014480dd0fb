"""An event sent over a websocket whose state tree is new (a tab that reconnected to another instance,
or a script skipping the page and its on_load) acts for the signed-in user in their organization,
instead of being refused as if they had left it."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Page

from backend import routes
from state.projects import ProjectsState
from tests.e2e_support import sign_in
from tests.reflex_socket import HandshakeRecorder, ReflexSocket, event_name


def test_a_fresh_tree_acts_in_the_users_organization(page: Page, app_url: str) -> None:
    recorder = HandshakeRecorder(page)
    sign_in(page, app_url, "member@acme.test", next_path=routes.PROJECTS)
    handshake = recorder.latest(page, app_url)
    page.close()
    fresh = type(handshake)(
        app_url=handshake.app_url,
        socket_url=handshake.socket_url.replace(handshake.token, str(uuid.uuid4())),
        auth=handshake.auth,
        cookie=handshake.cookie,
    )
    name = f"Over a bare socket {uuid.uuid4().hex[:6]}"
    with ReflexSocket(fresh, forwarded_for="198.51.100.77", path=routes.PROJECTS) as socket:
        socket.send(event_name(ProjectsState, "create"), form_data={"name": name})
        frames = socket.settle(3)
    assert "no longer a member" not in frames
    assert (
        f"Project “{name}” created." in frames.encode().decode("unicode_escape", "ignore") or name in frames
    )
    listed = httpx.get(
        f"{app_url}{routes.API_V1}{routes.V1_PROJECTS}",
        params={"search": name},
        headers={"Cookie": handshake.cookie, "X-Forwarded-For": "198.51.100.78"},
        timeout=20,
    ).json()
    assert [p["name"] for p in listed["items"]] == [name]
    assert listed["items"][0]["owner_name"] == "Maya Member"
