"""The bring-your-own-key settings page."""

import reflex as rx

from skopx_ui.pages import api_keys
from skopx_ui.pages.shell import protected
from state import routes
from state.api_keys import ApiKeysState


def register(app: rx.App) -> None:
    """Pages of the API keys area are added here."""
    page = protected(api_keys.content, active="settings")
    page.__name__ = "api_keys_page"  # other settings pages share active="settings"
    app.add_page(
        page,
        route=routes.API_KEYS,
        title="API keys — Skopx",
        on_load=ApiKeysState.load,
    )
