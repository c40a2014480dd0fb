"""The message composer: Enter sends, Shift+Enter adds a line, a live character count and limit,
Stop while Claude answers. The textarea is uncontrolled: only its length travels to the server
while typing; the text itself is sent once, with the form."""

from __future__ import annotations

import reflex as rx

COMPOSER_ID = "composer"


def _counter(count: rx.Var, limit: int) -> rx.Component:
    over = count > limit
    return rx.hstack(
        rx.cond(
            over,
            rx.text(
                f"Too long: messages can be up to {limit:,} characters. Shorten it by ",
                (count - limit).to_string(),
                " to send.",
                size="1",
                color=rx.color("red", 11),
                data_testid="composer-too-long",
            ),
            rx.text("Enter to send · Shift+Enter for a new line", size="1", color=rx.color("gray", 9)),
        ),
        rx.spacer(),
        rx.text(
            count.to_string(),
            f" / {limit:,}",
            size="1",
            color=rx.cond(over, rx.color("red", 11), rx.color("gray", 10)),
            data_testid="composer-count",
        ),
        width="100%",
        align="center",
    )


def composer(
    *,
    on_submit,
    on_stop,
    on_change,
    count: rx.Var,
    generating: rx.Var,
    limit: int,
    notice: rx.Var,
) -> rx.Component:
    over = count > limit
    send = rx.button(
        rx.icon("arrow-up", size=16),
        "Send",
        type="submit",
        disabled=over | (count == 0),
        size="2",
        aria_label="Send message",
    )
    stop = rx.button(
        rx.icon("square", size=14),
        "Stop",
        type="button",
        on_click=on_stop,
        color_scheme="gray",
        variant="soft",
        size="2",
        aria_label="Stop generating",
    )
    return rx.form(
        rx.vstack(
            rx.cond(
                notice != "",
                rx.callout(
                    notice,
                    icon="timer",
                    color_scheme="amber",
                    size="1",
                    width="100%",
                    data_testid="rate-notice",
                ),
                rx.fragment(),
            ),
            rx.box(
                rx.text_area(
                    id=COMPOSER_ID,
                    name="message",
                    placeholder="Message Claude…",
                    enter_key_submit=True,
                    on_change=on_change,
                    rows="3",
                    resize="vertical",
                    variant="surface",
                    size="3",
                    aria_label="Message",
                    width="100%",
                    max_height="40vh",
                ),
                rx.hstack(
                    rx.cond(generating, stop, send),
                    position="absolute",
                    right="10px",
                    bottom="10px",
                ),
                position="relative",
                width="100%",
            ),
            _counter(count, limit),
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        max_width="820px",
        margin_x="auto",
    )


def read_only_note(text: rx.Var | str) -> rx.Component:
    return rx.callout(
        text,
        icon="eye",
        color_scheme="gray",
        variant="surface",
        width="100%",
        max_width="820px",
        margin_x="auto",
        data_testid="read-only-note",
    )


def failure_panel(message: rx.Var, on_retry, can_retry: rx.Var) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")),
        rx.hstack(
            rx.callout.text(
                rx.cond(
                    message != "",
                    message,
                    "This reply was stopped or interrupted. Retry for a complete answer.",
                ),
                data_testid="chat-error",
            ),
            rx.spacer(),
            rx.cond(
                can_retry,
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    "Retry",
                    size="1",
                    on_click=on_retry,
                    variant="solid",
                    color_scheme="amber",
                ),
                rx.fragment(),
            ),
            align="center",
            width="100%",
        ),
        color_scheme=rx.cond(message != "", "red", "amber"),
        width="100%",
        size="1",
        data_testid="chat-failure",
    )
