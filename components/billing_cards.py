"""Presentational pieces of the pricing, billing and inactive pages (reflex only)."""

from __future__ import annotations

import reflex as rx

from backend import routes

TONE_COLORS = (
    ("good", "green"),
    ("info", "blue"),
    ("warning", "amber"),
    ("bad", "red"),
)


def status_badge(label: rx.Var, tone: rx.Var) -> rx.Component:
    """A status in its tone's colour (gray when neutral)."""
    return rx.match(
        tone,
        *(
            (value, rx.badge(label, color_scheme=color, variant="soft", size="2", radius="full"))
            for value, color in TONE_COLORS
        ),
        rx.badge(label, color_scheme="gray", variant="soft", size="2", radius="full"),
    )


def notice_callout(text: rx.Var, kind: rx.Var) -> rx.Component:
    """An inline message: success (green), error (red) or info (indigo); nothing when empty."""

    def callout(icon: str, color: str) -> rx.Component:
        return rx.callout(text, icon=icon, color_scheme=color, role="status", width="100%")

    return rx.cond(
        text != "",
        rx.match(
            kind,
            ("success", callout("circle-check", "green")),
            ("error", callout("triangle-alert", "red")),
            callout("info", "indigo"),
        ),
        rx.fragment(),
    )


def billing_banner(text: rx.Var, show_link: rx.Var | bool = True) -> rx.Component:
    """The app-wide strip for a past-due organization (the shell's banner slot); the link for owners."""
    return rx.cond(
        text != "",
        rx.hstack(
            rx.icon("triangle-alert", size=16),
            rx.text(text, size="2", weight="medium"),
            rx.spacer(),
            rx.cond(
                show_link,
                rx.link(
                    "Update payment details", href=routes.BILLING, size="2", weight="bold", color="inherit"
                ),
                rx.fragment(),
            ),
            align="center",
            spacing="2",
            padding_x="32px",
            padding_y="10px",
            background=rx.color("amber", 3),
            color=rx.color("amber", 11),
            border_bottom=f"1px solid {rx.color('amber', 6)}",
            role="alert",
            data_testid="billing-banner",
        ),
        rx.fragment(),
    )


def stat(label: str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=rx.color("gray", 10), text_transform="uppercase"),
        value if isinstance(value, rx.Component) else rx.text(value, size="4", weight="bold"),
        spacing="1",
        align="start",
        min_width="140px",
    )


def feature_item(text: str) -> rx.Component:
    return rx.hstack(
        rx.icon("check", size=16, color=rx.color("indigo", 10), flex_shrink="0", margin_top="2px"),
        rx.text(text, size="2", color=rx.color("gray", 11)),
        spacing="2",
        align="start",
    )


def plan_card(
    *,
    key: str,
    name: str,
    price: str,
    features: tuple[str, ...],
    action: rx.Component,
    featured: bool = False,
    current: rx.Var | bool = False,
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(name, size="5"),
                rx.cond(
                    current, rx.badge("Current plan", color_scheme="green", radius="full"), rx.fragment()
                ),
                rx.badge("Most popular", variant="solid", radius="full") if featured else rx.fragment(),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.hstack(
                rx.text(price, size="8", weight="bold", color=rx.color("gray", 12)),
                rx.text("per seat / month", size="2", color=rx.color("gray", 10)),
                align="baseline",
                spacing="2",
            ),
            rx.separator(size="4"),
            rx.vstack(*(feature_item(f) for f in features), spacing="2", align="start", flex="1"),
            action,
            spacing="4",
            align="start",
            height="100%",
        ),
        size="3",
        width="100%",
        data_testid=f"plan-{key}",
        border=f"2px solid {rx.color('indigo', 8) if featured else 'transparent'}",
    )


def seats_field(value: rx.Var, on_change) -> rx.Component:
    return rx.hstack(
        rx.el.label(rx.text("Seats", size="2", weight="medium"), html_for="seats"),
        rx.input(
            id="seats",
            type="number",
            min=1,
            max=500,
            value=value,
            on_change=on_change,
            width="96px",
            size="2",
        ),
        rx.text("1–500 people. You can change this later.", size="1", color=rx.color("gray", 10)),
        align="center",
        spacing="3",
    )


def page_heading(title: str, subtitle: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="7"),
        rx.text(subtitle, size="3", color=rx.color("gray", 11)),
        spacing="1",
        align="start",
    )
