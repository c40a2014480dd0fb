"""The Skopx Reflex app: pages, API routes and security middleware."""

import reflex as rx

from backend import routes
from backend.config import get_settings
from backend.logging_setup import configure_logging
from skopx_ui.api import build_api
from skopx_ui.middleware import SecurityMiddleware
from skopx_ui.pages.registry import register_pages
from state.session_binding import SessionBinding

configure_logging(get_settings())  # settings also fail hard here on unusable configuration

app = rx.App(
    api_transformer=[build_api(), SecurityMiddleware],
    head_components=[rx.el.script(src=routes.FORMS_SCRIPT, defer=True)],
    stylesheets=[routes.STYLESHEET],
)
app.add_middleware(SessionBinding(), index=0)
register_pages(app)
