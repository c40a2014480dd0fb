"""Form building blocks: labelled fields, the in-place error box, native-post forms."""

from __future__ import annotations

import reflex as rx


def field(label: str, control: rx.Component, *, hint: rx.Component | str | None = None) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=control.id if control.id else None),
        control,
        rx.text(hint, size="1", color=rx.color("gray", 10))
        if isinstance(hint, str)
        else (hint or rx.fragment()),
        spacing="1",
        width="100%",
        align="start",
    )


def error_box(message: rx.Var | str = "") -> rx.Component:
    """Filled by forms.js (or by the server-side message after a plain post)."""
    return rx.el.div(
        message,
        data_form_error=True,
        role="alert",
        aria_live="assertive",
        hidden=rx.cond(message, False, True) if isinstance(message, rx.Var) else not message,
        style={
            "color": rx.color("red", 11),
            "background": rx.color("red", 3),
            "border": f"1px solid {rx.color('red', 6)}",
            "border_radius": "8px",
            "padding": "10px 12px",
            "font_size": "14px",
            "width": "100%",
        },
    )


def post_form(*children: rx.Component, action: str) -> rx.Component:
    """A form posting to an API route through forms.js (fetch + JSON), so failures keep what was typed."""
    return rx.el.form(
        rx.vstack(*children, spacing="4", width="100%"),
        action=action,
        method="post",
        data_skopx_form=True,
        no_validate=True,
        width="100%",
    )


def auth_card(title: str, subtitle: rx.Component, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(title, size="6"),
                subtitle,
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="420px",
        ),
        padding_y="64px",
        width="100%",
    )


def rule_row(rule: rx.Var) -> rx.Component:
    """One password rule of the live checklist: `{key, label, ok}`, ticked when met."""
    return rx.hstack(
        rx.cond(
            rule["ok"],
            rx.icon("circle-check", size=14, color=rx.color("green", 10)),
            rx.icon("circle", size=14, color=rx.color("gray", 8)),
        ),
        rx.text(
            rule["label"], size="1", color=rx.cond(rule["ok"], rx.color("green", 11), rx.color("gray", 11))
        ),
        spacing="2",
        align="center",
        data_rule=rule["key"],
        data_ok=rule["ok"].to(str),
    )
