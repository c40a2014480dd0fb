"""Chat: conversations with Claude."""

import reflex as rx


def content() -> rx.Component:
    return rx.vstack(
        rx.heading("Chat", size="7"),
        rx.text("Start a conversation from a project.", color=rx.color("gray", 11)),
        spacing="3",
    )
