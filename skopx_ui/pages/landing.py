"""The public landing page: what Skopx is, and the way in."""

import reflex as rx

from backend import routes
from components.public_layout import public_page

FEATURES = (
    (
        "messages-square",
        "Chat with Claude",
        "Streaming answers, organised into projects and conversations you can "
        "come back to. Markdown and code render cleanly, with one-click copy.",
    ),
    (
        "folder-kanban",
        "Projects for your team",
        "Shared or private projects with conversations and a task list, "
        "for owners, admins, members and read-only viewers.",
    ),
    (
        "key-round",
        "Bring your own key",
        "Use your own Anthropic API key. It is encrypted at rest with AES-256-GCM "
        "and only ever shown masked.",
    ),
    (
        "shield-check",
        "Isolation in the database",
        "Every table is guarded by PostgreSQL row-level security, so one "
        "organisation's data stays invisible to another even if application code has a bug.",
    ),
    (
        "scroll-text",
        "Tamper-evident audit log",
        "Database triggers record who changed what, in a hash-chained log that nobody can edit or delete.",
    ),
    (
        "credit-card",
        "Simple billing",
        "Owners subscribe through Stripe's hosted checkout. Skopx never sees or stores card details.",
    ),
)


def feature_card(icon: str, title: str, body: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=20, color=rx.color("indigo", 11)),
                width="40px",
                height="40px",
                border_radius="10px",
                background=rx.color("indigo", 3),
            ),
            rx.heading(title, size="4", weight="bold"),
            rx.text(body, size="2", color=rx.color("gray", 11)),
            spacing="3",
            align="start",
        ),
        size="3",
    )


def hero() -> rx.Component:
    return rx.vstack(
        rx.badge("Open-source AI workspace", variant="soft", radius="full", size="2"),
        rx.heading(
            "The AI workspace your security team will sign off on",
            size="9",
            weight="bold",
            align="center",
            max_width="820px",
            line_height="1.1",
        ),
        rx.text(
            "Skopx brings Claude to your whole organisation: projects, conversations and tasks in one place, "
            "with tenant isolation enforced by the database itself, encrypted secrets and an audit trail "
            "that cannot be rewritten.",
            size="4",
            color=rx.color("gray", 11),
            align="center",
            max_width="680px",
        ),
        rx.hstack(
            rx.link(rx.button("Create your workspace", size="4"), href=routes.SIGNUP),
            rx.link(rx.button("Sign in", size="4", variant="outline"), href=routes.LOGIN),
            spacing="3",
            wrap="wrap",
            justify="center",
        ),
        rx.link("How we protect your data →", href=routes.SECURITY, size="2"),
        spacing="5",
        align="center",
        padding_y="96px",
    )


def page() -> rx.Component:
    return public_page(
        hero(),
        rx.grid(
            *(feature_card(*f) for f in FEATURES),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.heading("Ready when you are", size="6"),
                    rx.text(
                        "Sign up in a minute. Your personal organisation is created for you, and you can "
                        "invite your team when you're ready.",
                        color=rx.color("gray", 11),
                    ),
                    align="start",
                ),
                rx.link(rx.button("Get started", size="3"), href=routes.SIGNUP),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="4",
                width="100%",
            ),
            size="4",
            margin_top="48px",
            width="100%",
        ),
    )
