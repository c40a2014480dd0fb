"""Chat home: the conversation list grouped by project, and a prompt to pick or start one."""

from __future__ import annotations

import reflex as rx

from skopx_ui.pages.conversation import demo_badge, layout
from state.chat import ChatState


def content() -> rx.Component:
    return layout(
        rx.center(
            rx.vstack(
                rx.icon("messages-square", size=40, color=rx.color("indigo", 9)),
                rx.heading("Chat with Claude", size="6"),
                rx.text(
                    rx.cond(
                        ChatState.can_write,
                        "Pick a conversation on the left, or start a new one in a project.",
                        "Pick a conversation on the left to read it.",
                    ),
                    color=rx.color("gray", 10),
                    text_align="center",
                ),
                demo_badge(),
                align="center",
                spacing="3",
                max_width="420px",
            ),
            height="100%",
            data_testid="chat-home",
        )
    )
