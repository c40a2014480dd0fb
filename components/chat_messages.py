"""Chat message bubbles, the streaming bubble and the typing indicator.

Finished messages are React.memo components keyed by message id: once rendered, a new token or a
new message never re-renders (or re-parses the Markdown of) an earlier one. The message list sits
in a `column-reverse` scroller, so the browser keeps the newest content in view as it grows without
any script or forced layout per token; scrolling up to read stays put.
"""

from __future__ import annotations

import reflex as rx

from components.markdown_view import markdown_view


def _avatar(role: rx.Var | str) -> rx.Component:
    return rx.center(
        rx.icon("sparkles", size=15),
        width="28px",
        height="28px",
        min_width="28px",
        border_radius="8px",
        background=rx.color("indigo", 9),
        color="white",
    )


def _status_note(note: rx.Var, kind: rx.Var) -> rx.Component:
    """The line under a reply that isn't complete; `kind` is `stopped` or `warning`."""
    stopped = kind == "stopped"
    return rx.cond(
        note != "",
        rx.hstack(
            rx.icon(rx.cond(stopped, "circle-stop", "triangle-alert"), size=13),
            rx.text(note, size="1"),
            color=rx.cond(stopped, rx.color("gray", 10), rx.color("amber", 11)),
            spacing="1",
            align="center",
            data_testid="message-status",
        ),
        rx.fragment(),
    )


def user_bubble(content: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(content, size="3", white_space="pre-wrap", word_break="break-word"),
        background=rx.color("indigo", 3),
        color=rx.color("gray", 12),
        padding="10px 14px",
        border_radius="14px 14px 4px 14px",
        max_width="80%",
        margin_left="auto",
        data_testid="user-message",
    )


def assistant_bubble(
    content: rx.Var,
    image_pattern: rx.Var | str,
    status: rx.Var | str = "complete",
    testid: str = "assistant-message",
    note: rx.Var | None = None,
    note_kind: rx.Var | None = None,
):
    return rx.hstack(
        _avatar("assistant"),
        rx.vstack(
            rx.box(markdown_view(content, image_pattern), width="100%", class_name="skopx-answer"),
            _status_note(note, note_kind) if note is not None else rx.fragment(),
            spacing="1",
            min_width="0",
            width="100%",
        ),
        align="start",
        spacing="3",
        width="100%",
        data_testid=testid,
        data_status=status,
    )


@rx.memo
def finished_message(
    from_user: rx.Var[bool],
    content: rx.Var[str],
    status: rx.Var[str],
    note: rx.Var[str],
    note_kind: rx.Var[str],
    image_pattern: rx.Var[str],
    rest: rx.RestProp,
) -> rx.Component:
    return rx.box(
        rx.cond(
            from_user,
            user_bubble(content),
            assistant_bubble(content, image_pattern, status, note=note, note_kind=note_kind),
        ),
        rest,
        width="100%",
        padding_y="8px",
        class_name="skopx-message",
    )


def message_list(messages: rx.Var, image_pattern: str) -> rx.Component:
    """`image_pattern`: which images replies may show (see components/markdown_view.py)."""
    return rx.foreach(
        messages,
        lambda m: finished_message(
            from_user=m.from_user,
            content=m.content,
            status=m.status,
            note=m.note,
            note_kind=m.note_kind,
            image_pattern=image_pattern,
            key=m.id,
        ),
    )


def typing_indicator() -> rx.Component:
    dot = {"width": "7px", "height": "7px", "border_radius": "50%", "background": rx.color("gray", 9)}
    return rx.hstack(
        _avatar("assistant"),
        rx.hstack(
            rx.box(style=dot, class_name="skopx-dot"),
            rx.box(style=dot, class_name="skopx-dot"),
            rx.box(style=dot, class_name="skopx-dot"),
            spacing="1",
            padding="10px 12px",
            border_radius="12px",
            background=rx.color("gray", 3),
            align="center",
        ),
        rx.text("Claude is typing…", size="1", color=rx.color("gray", 10)),
        align="center",
        spacing="3",
        padding_y="8px",
        role="status",
        aria_live="polite",
        data_testid="typing-indicator",
    )


def streaming_bubble(text: rx.Var, image_pattern: str) -> rx.Component:
    """Reads only the streaming var: the one component that re-renders per update."""
    return rx.box(
        assistant_bubble(text, image_pattern, "streaming", testid="streaming-message"),
        padding_y="8px",
        aria_busy="true",
    )


def scroller(*children: rx.Component, **props) -> rx.Component:
    return rx.box(
        rx.box(*children, width="100%", max_width="820px", margin_x="auto", padding="16px 8px"),
        display="flex",
        flex_direction="column-reverse",
        overflow_y="auto",
        flex="1",
        min_height="0",
        width="100%",
        data_testid="message-scroller",
        **props,
    )


CHAT_CSS = """
@keyframes skopx-blink { 0%, 80%, 100% { opacity: .25 } 40% { opacity: 1 } }
.skopx-dot { animation: skopx-blink 1.2s infinite ease-in-out; }
.skopx-dot:nth-child(2) { animation-delay: .2s } .skopx-dot:nth-child(3) { animation-delay: .4s }
.skopx-markdown p { margin: 0 0 .6em } .skopx-markdown p:last-child { margin-bottom: 0 }
.skopx-markdown ul, .skopx-markdown ol { padding-left: 1.4em; margin: .3em 0 .6em }
.skopx-message { contain: content; }
.skopx-image-blocked { display: inline-block; padding: 0 .45em; border: 1px dashed var(--gray-7);
  border-radius: 6px; color: var(--gray-11); font-size: .9em; }
"""
