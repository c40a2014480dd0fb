"""/invite/<token>: join an organization from an invitation link."""

from __future__ import annotations

import reflex as rx

from backend import routes
from components.app_shell import sign_out_form
from components.forms import auth_card
from components.public_layout import public_page
from components.toast import toast_region
from state.invite import InviteState


def muted(*children, **props) -> rx.Component:
    return rx.text(*children, **{"size": "2", "color": rx.color("gray", 11), **props})


def signed_out() -> rx.Component:
    return rx.vstack(
        muted(
            "Someone invited you to their organization on Skopx. Sign in with the email address the "
            "invitation was sent to, or create an account with it. You will come straight back here to accept."
        ),
        rx.link(
            rx.button("Sign in to accept", size="3", width="100%"), href=InviteState.login_href, width="100%"
        ),
        rx.link(
            rx.button("Create an account", size="3", variant="outline", width="100%"),
            href=InviteState.signup_href,
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def ready() -> rx.Component:
    return rx.vstack(
        muted("Someone invited you to join their organization on Skopx."),
        rx.hstack(
            rx.avatar(fallback=InviteState.user_name.to(str)[:1].upper(), size="2", radius="full"),
            rx.vstack(
                rx.text(InviteState.user_name, size="2", weight="medium"),
                rx.text("Signed in as ", InviteState.user_email, size="1", color=rx.color("gray", 10)),
                spacing="0",
            ),
            spacing="3",
            align="center",
            padding="12px",
            border_radius="8px",
            background=rx.color("gray", 2),
            border=f"1px solid {rx.color('gray', 4)}",
            width="100%",
        ),
        rx.button(
            rx.icon("user-plus", size=16),
            "Accept invitation",
            size="3",
            width="100%",
            on_click=InviteState.accept,
            loading=InviteState.phase == "accepting",
            auto_focus=True,
        ),
        muted("Not you? Sign out and open this link again.", size="1"),
        sign_out_form(),
        spacing="3",
        width="100%",
    )


def failed() -> rx.Component:
    return rx.vstack(
        rx.callout(
            InviteState.error, icon="circle-alert", color_scheme="red", size="2", width="100%", role="alert"
        ),
        rx.cond(
            InviteState.wrong_email,
            rx.vstack(
                muted("You are signed in as ", rx.text.strong(InviteState.user_email), "."),
                sign_out_form(),
                spacing="2",
                width="100%",
            ),
            rx.link(
                rx.button("Go to Skopx", variant="soft", size="3", width="100%"),
                href=routes.CHAT,
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def page() -> rx.Component:
    return public_page(
        toast_region(
            InviteState.toast_text, InviteState.toast_kind, InviteState.toast_seq, InviteState.dismiss_toast
        ),
        auth_card(
            "Join an organization",
            rx.fragment(),
            rx.match(
                InviteState.phase,
                ("signed_out", signed_out()),
                ("ready", ready()),
                ("accepting", ready()),
                ("error", failed()),
                rx.center(
                    rx.spinner(size="3"), padding="24px", width="100%", aria_label="Checking your invitation"
                ),
            ),
        ),
    )
