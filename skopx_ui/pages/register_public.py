"""Public pages: landing, security, sign-in, sign-up."""

import reflex as rx

from skopx_ui.pages import landing, login, security, signup
from state import routes
from state.auth_pages import LoginState, SignupState


def register(app: rx.App) -> None:
    app.add_page(landing.page, route=routes.HOME, title="Skopx — the secure AI workspace")
    app.add_page(security.page, route=routes.SECURITY, title="Security — Skopx")
    app.add_page(login.page, route=routes.LOGIN, title="Sign in — Skopx", on_load=LoginState.load)
    app.add_page(
        signup.page, route=routes.SIGNUP, title="Create your account — Skopx", on_load=SignupState.load
    )
