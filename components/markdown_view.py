"""Safe Markdown for chat messages.

react-markdown without rehype-raw: raw HTML in a message is shown as text, never executed. Math
plugins are off (dollar amounts stay text, and parsing stays cheap). Code blocks get a Copy button
(`rx.set_clipboard` runs as a client-side function, no eval, so it works under the strict CSP).
"""

from __future__ import annotations

import reflex as rx

CODE_BG = "#0f172a"


def code_block(value: rx.Var, **props) -> rx.Component:
    language = props.get("language", "")
    return rx.box(
        rx.hstack(
            rx.text(rx.cond(language, language, "code"), size="1", color="#94a3b8", font_family="monospace"),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=13),
                "Copy",
                size="1",
                variant="ghost",
                color_scheme="gray",
                color="#cbd5e1",
                on_click=[
                    rx.set_clipboard(value),
                    rx.toast.success("Copied to the clipboard", duration=1500),
                ],
                aria_label="Copy code",
                class_name="skopx-copy-code",
            ),
            align="center",
            padding_x="12px",
            padding_y="6px",
            border_bottom="1px solid #1e293b",
        ),
        rx.el.pre(
            rx.el.code(value),
            margin="0",
            padding="12px",
            overflow_x="auto",
            font_size="13px",
            line_height="1.55",
            color="#e2e8f0",
            white_space="pre",
        ),
        background=CODE_BG,
        border_radius="10px",
        margin_y="0.75em",
        overflow="hidden",
        class_name="skopx-code-block",
    )


def inline_code(value: rx.Var, **props) -> rx.Component:
    return rx.code(value, variant="soft", size="2")


COMPONENT_MAP = {"pre": code_block, "code": inline_code}


def markdown_view(text: rx.Var | str) -> rx.Component:
    return rx.markdown(
        text,
        use_raw=False,
        use_math=False,
        use_katex=False,
        component_map=COMPONENT_MAP,
        class_name="skopx-markdown",
    )
