"""Sign in: a plain form posting to /api/auth/login, upgraded in place by forms.js."""

import reflex as rx

from backend import routes
from components.forms import auth_card, error_box, field, post_form
from components.public_layout import public_page
from state.auth_pages import LoginState


def notice() -> rx.Component:
    return rx.cond(
        LoginState.notice,
        rx.callout(LoginState.notice, icon="info", color_scheme="blue", size="1", width="100%"),
    )


def page() -> rx.Component:
    return public_page(
        auth_card(
            "Sign in to Skopx",
            rx.text(
                "New here? ",
                rx.link("Create an account", href=routes.SIGNUP),
                size="2",
                color=rx.color("gray", 11),
            ),
            notice(),
            post_form(
                error_box(LoginState.error),
                field(
                    "Email",
                    rx.input(
                        name="email",
                        id="email",
                        type="email",
                        auto_complete="username",
                        required=True,
                        default_value=LoginState.email,
                        key=LoginState.email,
                        size="3",
                        width="100%",
                        auto_focus=True,
                    ),
                ),
                field(
                    "Password",
                    rx.input(
                        name="password",
                        id="password",
                        type="password",
                        auto_complete="current-password",
                        required=True,
                        size="3",
                        width="100%",
                    ),
                ),
                rx.el.input(type="hidden", name="next", value=LoginState.next_path),
                rx.button("Sign in", type="submit", size="3", width="100%", data_busy_label="Signing in…"),
                action=routes.API_LOGIN,
            ),
        ),
    )
