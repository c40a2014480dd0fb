"""Projects and chat pages."""

import reflex as rx

from skopx_ui.pages import chat
from skopx_ui.pages.shell import protected
from state import routes
from state.base import AppState


def register(app: rx.App) -> None:
    app.add_page(
        protected(chat.content, active="chat"),
        route=routes.CHAT,
        title="Chat — Skopx",
        on_load=AppState.guard,
    )
