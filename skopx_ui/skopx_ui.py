"""The Skopx Reflex app: pages, API routes and security middleware."""

import reflex as rx

from backend.config import get_settings
from skopx_ui import routes
from skopx_ui.api import build_api
from skopx_ui.middleware import SecurityMiddleware
from skopx_ui.pages import landing, security

get_settings()  # fail hard at start-up on unusable configuration

app = rx.App(
    api_transformer=[build_api(), SecurityMiddleware],
    theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large", appearance="light"),
)
app.add_page(landing.page, route=routes.HOME, title="Skopx — the secure AI workspace")
app.add_page(security.page, route=routes.SECURITY, title="Security — Skopx")
