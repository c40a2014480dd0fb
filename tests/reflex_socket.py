"""A browser-less Reflex client, for sending events straight over the websocket as an attacker would.

It speaks what the browser speaks (Engine.IO 4 / Socket.IO on `/_event`): the browser's own CONNECT
payload, captured from a real page, is replayed with whatever cookie and client token the test
chooses, and then any event handler can be called by its full name, skipping the UI and `on_load`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import Any

from playwright.sync_api import Page, WebSocket
from websockets.sync.client import ClientConnection, connect

EVENT_PREFIX = "42/_event,"
CONNECT_PREFIX = "40/_event,"


@dataclass(frozen=True)
class Handshake:
    """What a signed-in browser tab presented: its socket URL (with the client token), CONNECT payload
    and cookies."""

    app_url: str
    socket_url: str
    auth: dict[str, Any]
    cookie: str

    @property
    def token(self) -> str:
        return self.socket_url.split("token=", 1)[1].split("&", 1)[0]

    def without_cookie(self) -> Handshake:
        return replace(self, cookie="")


class HandshakeRecorder:
    """Records the newest websocket CONNECT a page sends; `.latest(page)` once the page has loaded."""

    def __init__(self, page: Page) -> None:
        self._url = ""
        self._auth: dict[str, Any] = {}
        page.on("websocket", self._watch)

    def _watch(self, ws: WebSocket) -> None:
        def sent(frame: str | bytes) -> None:
            if isinstance(frame, str) and frame.startswith(CONNECT_PREFIX):
                self._url, self._auth = ws.url, json.loads(frame[len(CONNECT_PREFIX) :])

        ws.on("framesent", sent)

    def latest(self, page: Page, app_url: str) -> Handshake:
        if not self._url:
            raise AssertionError("the page opened no Reflex websocket")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
        return Handshake(app_url=app_url, socket_url=self._url, auth=self._auth, cookie=cookie)


def event_name(state_cls: Any, handler: str) -> str:
    return f"{state_cls.get_full_name()}.{handler}"


@dataclass
class ReflexSocket:
    """One connection. `received` keeps every Socket.IO event frame's payload, as text, in order."""

    handshake: Handshake
    forwarded_for: str
    path: str = "/chat"
    received: list[str] = field(default_factory=list)
    _ws: ClientConnection | None = None

    def __enter__(self) -> ReflexSocket:
        headers = {"Origin": self.handshake.app_url, "X-Forwarded-For": self.forwarded_for}
        if self.handshake.cookie:
            headers["Cookie"] = self.handshake.cookie
        self._ws = connect(self.handshake.socket_url, additional_headers=headers, max_size=None)
        self._ws.recv(timeout=10)  # Engine.IO open
        auth = json.loads(json.dumps(self.handshake.auth))
        auth["event"]["router_data"] = self.router_data
        self._ws.send(CONNECT_PREFIX + json.dumps(auth))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._ws is not None:
            self._ws.close()

    @property
    def router_data(self) -> dict[str, Any]:
        return {"pathname": self.path, "asPath": self.path, "query": {}}

    def send(self, name: str, **payload: Any) -> None:
        event = {"name": name, "payload": payload, "router_data": self.router_data}
        self._ws.send(EVENT_PREFIX + json.dumps(["event", event]))

    def settle(self, seconds: float = 3.0) -> str:
        """Read until the server has been quiet for `seconds`; returns everything received so far."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                message = self._ws.recv(timeout=seconds)
            except TimeoutError:
                break
            if message == "2":
                self._ws.send("3")
            elif isinstance(message, str) and message.startswith(EVENT_PREFIX):
                self.received.append(message[len(EVENT_PREFIX) :])
        return "\n".join(self.received)
