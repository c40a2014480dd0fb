"""Server-side state belongs to the session that built it.

Reflex keeps each browser tab's state tree under a client token that travels in the websocket URL, so
whoever presents the token is handed the tree. The tree therefore remembers the session it was built
for (`session_fingerprint`, a hash of the session cookie, in a backend-only var). Before any event is
processed, hydrate included, the cookie on the socket is compared with it; when they differ (signed
out, expired, another user, no cookie) every state below `AppState` is reset first, so nothing of the
previous session is ever sent. Hydrate, once per page load, also asks the database whether the
session is still live, so a signed-out or revoked session's tree is cleared even with the old cookie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflex.middleware import Middleware
from reflex.state import BaseState, State
from reflex_base.constants import CompileVars
from reflex_base.utils.format import format_event_handler

from backend.services import sessions
from state.base import AppState

if TYPE_CHECKING:
    from reflex.app import App
    from reflex_base.event import Event


def _hydrate_events() -> frozenset[str]:
    return frozenset(
        format_event_handler(State.event_handlers[name])
        for name in (CompileVars.HYDRATE, CompileVars.HYDRATE_AND_LOAD)
    )


def _subtree(cls: type[BaseState]) -> list[type[BaseState]]:
    found = [cls]
    for sub in cls.get_substates():
        found.extend(_subtree(sub))
    return found


async def reset_app_state(root: BaseState) -> AppState:
    """Every state below AppState back to its defaults, loaded first so none is left stale."""
    app_state = await root.get_state(AppState)
    for cls in _subtree(AppState):
        await root.get_state(cls)
    app_state.reset()
    return app_state


class SessionBinding(Middleware):
    """Resets a state tree whose session is no longer the one presented (see the module docstring)."""

    def __init__(self) -> None:
        self._hydrate = _hydrate_events()

    async def preprocess(self, app: App, state: BaseState, event: Event) -> None:
        root = state._get_root_state()
        cookie = root.router.headers.cookie
        if event.name in self._hydrate:
            presented = await sessions.live_session_fingerprint(cookie)
        else:
            presented = sessions.session_fingerprint(cookie)
        app_state = await root.get_state(AppState)
        if app_state._session_fingerprint != presented:
            app_state = await reset_app_state(root)
            app_state._session_fingerprint = presented
        return None
