"""One conversation: finished messages, the streaming answer, the composer (or a read-only note)."""

from __future__ import annotations

import reflex as rx

from backend import limits, routes
from backend.config import get_settings
from backend.images import image_url_pattern
from backend.services.chat import MAX_MESSAGE_CHARS
from components.chat_composer import composer, failure_panel, read_only_note
from components.chat_messages import CHAT_CSS, message_list, scroller, streaming_bubble, typing_indicator
from components.chat_sidebar import conversation_list, new_conversation_dialog, rename_dialog
from components.dialogs import confirm_dialog
from state.chat import ChatState
from state.chat_stream import ChatStreamState, ChatTurnState, ComposerState

# Which images replies may show (SKOPX_IMAGE_DOMAINS), compiled into the build like the page itself.
IMAGE_PATTERN = image_url_pattern(get_settings().image_domains)


def demo_badge() -> rx.Component:
    return rx.cond(
        ChatState.demo_model,
        rx.tooltip(
            rx.badge(
                rx.icon("flask-conical", size=12), "Local demo model", color_scheme="amber", variant="soft"
            ),
            content="Replies come from a local demo server, not from Claude.",
        ),
        rx.fragment(),
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ChatState.can_write,
            new_conversation_dialog(
                open_=ChatState.new_open,
                on_open_change=ChatState.set_new_open,
                options=ChatState.project_options,
                on_submit=ChatState.new_conversation,
            ),
            rx.fragment(),
        ),
        conversation_list(ChatState.groups, ChatState.conv_id, ChatState.list_loading),
        width="260px",
        min_width="260px",
        height="100%",
        spacing="3",
        padding_right="16px",
        border_right=f"1px solid {rx.color('gray', 4)}",
    )


def layout(main: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.el.style(CHAT_CSS),
        sidebar(),
        rx.box(main, flex="1", min_width="0", height="100%", padding_left="20px"),
        height="calc(100vh - 64px)",
        width="100%",
        spacing="0",
        align="stretch",
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(
                ChatState.project_name,
                href=routes.project(ChatState.project_id),
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.heading(ChatState.title, size="5", trim="both", data_testid="conversation-title"),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        demo_badge(),
        rx.cond(
            ChatState.can_manage,
            rx.dropdown_menu.root(
                rx.dropdown_menu.trigger(
                    rx.icon_button(
                        rx.icon("ellipsis", size=16),
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Conversation actions",
                    ),
                ),
                rx.dropdown_menu.content(
                    rx.dropdown_menu.item("Rename", on_click=ChatState.set_rename_open(True)),
                    rx.dropdown_menu.separator(),
                    rx.dropdown_menu.item("Delete", color="red", on_click=ChatState.set_delete_open(True)),
                ),
            ),
            rx.fragment(),
        ),
        rename_dialog(
            title="Rename conversation",
            max_length=limits.CONVERSATION_TITLE.max_len,
            label="Title",
            value=ChatState.title,
            open_=ChatState.rename_open,
            on_open_change=ChatState.set_rename_open,
            on_submit=ChatState.rename,
        ),
        confirm_dialog(
            title="Delete this conversation?",
            body="Its messages are deleted for everyone. This cannot be undone.",
            confirm_label="Delete conversation",
            open=ChatState.delete_open,
            on_open_change=ChatState.set_delete_open,
            on_confirm=ChatState.delete,
        ),
        align="center",
        width="100%",
        padding_bottom="12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _streaming_here() -> rx.Var:
    return ChatTurnState.generating & (ChatTurnState.turn_conv_id == ChatState.conv_id)


def messages() -> rx.Component:
    return scroller(
        rx.cond(
            (ChatState.history.length() == 0) & (ChatTurnState.recent.length() == 0) & ~_streaming_here(),
            rx.center(
                rx.vstack(
                    rx.icon("message-square-text", size=32, color=rx.color("indigo", 9)),
                    rx.heading("Start the conversation", size="4"),
                    rx.text(
                        "Ask Claude anything about this project. Replies stream in as they are written.",
                        size="2",
                        color=rx.color("gray", 10),
                        text_align="center",
                    ),
                    align="center",
                    spacing="2",
                ),
                padding_y="64px",
                data_testid="empty-conversation",
            ),
            rx.fragment(),
        ),
        rx.cond(
            ChatState.truncated,
            rx.text(
                "Earlier messages are not shown.", size="1", color=rx.color("gray", 9), text_align="center"
            ),
            rx.fragment(),
        ),
        message_list(ChatState.history, IMAGE_PATTERN),
        message_list(ChatTurnState.recent, IMAGE_PATTERN),
        rx.cond(
            _streaming_here(),
            rx.cond(
                ChatStreamState.text == "",
                typing_indicator(),
                streaming_bubble(ChatStreamState.text, IMAGE_PATTERN),
            ),
            rx.fragment(),
        ),
        rx.cond(
            ((ChatTurnState.error != "") | ChatTurnState.can_retry) & ~ChatTurnState.generating,
            failure_panel(ChatTurnState.error, ChatTurnState.retry, ChatTurnState.can_retry),
            rx.fragment(),
        ),
    )


def footer() -> rx.Component:
    return rx.box(
        rx.cond(
            ChatState.can_chat,
            composer(
                on_submit=ChatTurnState.send,
                on_stop=ChatTurnState.stop,
                on_change=lambda value: ComposerState.set_count(value.length()),
                count=ComposerState.count,
                generating=ChatTurnState.generating,
                limit=MAX_MESSAGE_CHARS,
                notice=ChatTurnState.rate_notice,
            ),
            read_only_note(
                rx.cond(
                    ~ChatState.can_write,
                    "You can read this conversation. Viewers can't send messages.",
                    rx.cond(
                        ChatState.project_archived,
                        "This project is archived, so the conversation is read-only.",
                        "Only "
                        + ChatState.creator_name
                        + ", who started this conversation, can send messages in it.",
                    ),
                )
            ),
        ),
        padding_top="12px",
        width="100%",
    )


def not_found() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=36, color=rx.color("gray", 9)),
            rx.heading("Conversation not found", size="5"),
            rx.text(
                "It may have been deleted, or you may not have access to it.", color=rx.color("gray", 10)
            ),
            rx.link(rx.button("Back to chat", variant="soft"), href=routes.CHAT),
            align="center",
            spacing="3",
        ),
        height="100%",
        data_testid="not-found",
    )


def loading() -> rx.Component:
    return rx.vstack(
        rx.skeleton(height="28px", width="40%"),
        *[rx.skeleton(height="64px", width="100%") for _ in range(4)],
        spacing="4",
        padding_top="8px",
        width="100%",
        aria_label="Loading conversation",
    )


def content() -> rx.Component:
    return layout(
        rx.cond(
            ChatState.not_found,
            not_found(),
            rx.cond(
                ChatState.loading,
                loading(),
                rx.vstack(header(), messages(), footer(), height="100%", spacing="0", width="100%"),
            ),
        )
    )
