"""The Skopx Reflex app: pages, API routes and security middleware."""

import reflex as rx

from backend.config import get_settings
from backend.logging_setup import configure_logging
from skopx_ui.api import build_api
from skopx_ui.middleware import SecurityMiddleware
from skopx_ui.pages import (
    register_accounts,
    register_api_keys,
    register_billing,
    register_public,
    register_work,
)
from state.session_binding import SessionBinding

configure_logging(get_settings())  # settings also fail hard here on unusable configuration

app = rx.App(
    api_transformer=[build_api(), SecurityMiddleware],
    head_components=[rx.el.script(src="/forms.js", defer=True)],
    stylesheets=["/skopx.css"],
)
app.add_middleware(SessionBinding(), index=0)
for register in (register_public, register_accounts, register_api_keys, register_work, register_billing):
    register.register(app)
