"""Sign up: name, email and a password checked live against the policy."""

import reflex as rx

from backend import limits, routes
from components.forms import auth_card, error_box, field, post_form, rule_row
from components.public_layout import public_page
from state.auth_pages import SignupState


def checklist() -> rx.Component:
    return rx.vstack(
        rx.foreach(SignupState.rules, rule_row),
        spacing="1",
        aria_live="polite",
        aria_label="Password requirements",
    )


def page() -> rx.Component:
    return public_page(
        auth_card(
            "Create your Skopx account",
            rx.text(
                "Already have one? ",
                rx.link("Sign in", href=routes.LOGIN),
                size="2",
                color=rx.color("gray", 11),
            ),
            post_form(
                error_box(SignupState.error),
                field(
                    "Name",
                    rx.input(
                        name="name",
                        id="name",
                        auto_complete="name",
                        required=True,
                        max_length=limits.DISPLAY_NAME.max_len,
                        default_value=SignupState.name,
                        key=SignupState.name,
                        size="3",
                        width="100%",
                        auto_focus=True,
                    ),
                ),
                field(
                    "Work email",
                    rx.input(
                        name="email",
                        id="email",
                        type="email",
                        auto_complete="email",
                        required=True,
                        default_value=SignupState.email,
                        key=SignupState.email,
                        size="3",
                        width="100%",
                    ),
                ),
                field(
                    "Password",
                    rx.input(
                        name="password",
                        id="password",
                        type="password",
                        auto_complete="new-password",
                        required=True,
                        size="3",
                        width="100%",
                        on_change=SignupState.check_password.debounce(150),
                    ),
                    hint=checklist(),
                ),
                rx.el.input(type="hidden", name="next", value=SignupState.next_path),
                rx.button(
                    "Create account",
                    type="submit",
                    size="3",
                    width="100%",
                    data_busy_label="Creating your workspace…",
                ),
                rx.text(
                    "We'll create a personal organization for you; you can invite your team later.",
                    size="1",
                    color=rx.color("gray", 10),
                ),
                action=routes.API_SIGNUP,
            ),
        ),
    )
