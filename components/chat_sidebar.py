"""Conversation list grouped by project, the new-conversation dialog, and the conversation header."""

from __future__ import annotations

import reflex as rx

from backend import routes


def _item(item: rx.Var, active_id: rx.Var) -> rx.Component:
    active = item.id == active_id
    return rx.link(
        rx.vstack(
            rx.text(
                item.title,
                size="2",
                weight=rx.cond(active, "bold", "regular"),
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
                width="100%",
            ),
            rx.text(item.when, size="1", color=rx.color("gray", 9)),
            spacing="0",
            width="100%",
        ),
        href=item.href,
        underline="none",
        color=rx.color("gray", 12),
        display="block",
        padding="6px 10px",
        border_radius="8px",
        background=rx.cond(active, rx.color("indigo", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        aria_current=rx.cond(active, "page", "false"),
        width="100%",
    )


def conversation_list(groups: rx.Var, active_id: rx.Var, loading: rx.Var) -> rx.Component:
    body = rx.cond(
        groups.length() > 0,
        rx.vstack(
            rx.foreach(
                groups,
                lambda group: rx.vstack(
                    rx.hstack(
                        rx.icon("folder", size=13, color=rx.color("gray", 9)),
                        rx.link(
                            group.project_name,
                            href=routes.project(group.project_id),
                            size="1",
                            weight="bold",
                            color=rx.color("gray", 10),
                            underline="hover",
                        ),
                        align="center",
                        spacing="1",
                        padding_x="10px",
                    ),
                    rx.foreach(group.chats, lambda item: _item(item, active_id)),
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        rx.text("No conversations yet.", size="2", color=rx.color("gray", 10), padding_x="10px"),
    )
    return rx.el.nav(
        rx.cond(loading, rx.vstack(*[rx.skeleton(height="34px", width="100%") for _ in range(5)]), body),
        overflow_y="auto",
        flex="1",
        min_height="0",
        width="100%",
        aria_label="Conversations",
    )


def new_conversation_dialog(*, open_: rx.Var, on_open_change, options: rx.Var, on_submit) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), "New conversation", width="100%", size="2"),
        ),
        rx.dialog.content(
            rx.dialog.title("New conversation"),
            rx.dialog.description("Conversations live in a project. Choose one:", size="2"),
            rx.cond(
                options.length() > 0,
                rx.form(
                    rx.vstack(
                        rx.el.label(
                            "Project", html_for="new-conversation-project", class_name="rt-Text rt-r-size-2"
                        ),
                        rx.select.root(
                            rx.select.trigger(id="new-conversation-project", width="100%"),
                            rx.select.content(
                                rx.foreach(options, lambda o: rx.select.item(o["name"], value=o["id"]))
                            ),
                            name="project_id",
                            default_value=options[0]["id"],
                        ),
                        rx.hstack(
                            rx.dialog.close(
                                rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                            ),
                            rx.button("Start conversation", type="submit"),
                            justify="end",
                            width="100%",
                        ),
                        spacing="3",
                        margin_top="12px",
                    ),
                    on_submit=on_submit,
                ),
                rx.vstack(
                    rx.text("There is no active project yet.", size="2"),
                    rx.link(rx.button("Create a project"), href=routes.PROJECTS),
                    margin_top="12px",
                ),
            ),
            max_width="440px",
        ),
        open=open_,
        on_open_change=on_open_change,
    )


def rename_dialog(
    *, title: str, label: str, value: rx.Var, max_length: int, open_: rx.Var, on_open_change, on_submit
):
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    rx.el.label(label, html_for="rename-input", class_name="rt-Text rt-r-size-2"),
                    rx.input(
                        id="rename-input",
                        name="title",
                        default_value=value,
                        required=True,
                        max_length=max_length,
                        width="100%",
                        auto_focus=True,
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=on_submit,
            ),
            max_width="440px",
        ),
        open=open_,
        on_open_change=on_open_change,
    )
