"""The two messages a settings form shows: a failure beside the form, and a success announced politely."""

from __future__ import annotations

import reflex as rx


def error_callout(*text: rx.Var | str) -> rx.Component:
    """A red alert with `text`; the caller decides when it shows."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-alert", size=16)),
        rx.callout.text(*text),
        color_scheme="red",
        variant="surface",
        role="alert",
        width="100%",
    )


def form_error(message: rx.Var) -> rx.Component:
    """`error_callout(message)` while `message` is not empty."""
    return rx.cond(message, error_callout(message))


def success_notice(message: rx.Var, **props) -> rx.Component:
    """A live region that announces `message` (a green callout) whenever it changes."""
    return rx.box(
        rx.cond(
            message,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check", size=16)),
                rx.callout.text(message),
                color_scheme="green",
                variant="soft",
                width="100%",
            ),
        ),
        role="status",
        aria_live="polite",
        width="100%",
        **props,
    )
