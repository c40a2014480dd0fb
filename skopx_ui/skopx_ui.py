"""The Skopx Reflex app: pages, API routes and security middleware."""

import reflex as rx

from backend.config import get_settings
from skopx_ui import routes
from skopx_ui.api import build_api
from skopx_ui.middleware import SecurityMiddleware
from skopx_ui.pages import chat, landing, login, security, signup
from skopx_ui.pages.shell import protected
from state.auth_pages import LoginState, SignupState
from state.base import AppState

get_settings()  # fail hard at start-up on unusable configuration

app = rx.App(
    api_transformer=[build_api(), SecurityMiddleware],
    theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large", appearance="light"),
    head_components=[rx.el.script(src="/forms.js", defer=True)],
)
app.add_page(landing.page, route=routes.HOME, title="Skopx — the secure AI workspace")
app.add_page(security.page, route=routes.SECURITY, title="Security — Skopx")
app.add_page(login.page, route=routes.LOGIN, title="Sign in — Skopx", on_load=LoginState.load)
app.add_page(signup.page, route=routes.SIGNUP, title="Create your account — Skopx", on_load=SignupState.load)
app.add_page(
    protected(chat.content, active="chat"), route=routes.CHAT, title="Chat — Skopx", on_load=AppState.guard
)
