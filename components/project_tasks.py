"""A project's task list and conversation list."""

from __future__ import annotations

import reflex as rx

from backend import limits, routes


def task_row(task: rx.Var, *, statuses: rx.Var, on_status, on_delete) -> rx.Component:
    """One task; `statuses` is the list of {value, label} a task's status can take."""
    return rx.hstack(
        rx.icon(
            rx.cond(task.done, "circle-check", "circle"),
            size=16,
            color=rx.cond(task.done, rx.color("green", 9), rx.color("gray", 8)),
        ),
        rx.text(
            task.title,
            size="2",
            flex="1",
            text_decoration=rx.cond(task.done, "line-through", "none"),
            color=rx.cond(task.done, rx.color("gray", 10), rx.color("gray", 12)),
        ),
        rx.cond(
            task.can_edit,
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(variant="ghost", aria_label="Status of " + task.title),
                    rx.select.content(
                        rx.foreach(
                            statuses, lambda option: rx.select.item(option["label"], value=option["value"])
                        )
                    ),
                    value=task.status,
                    on_change=lambda value: on_status(task.id, value),
                    size="1",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    size="1",
                    on_click=on_delete(task.id),
                    aria_label="Delete task " + task.title,
                ),
                align="center",
                spacing="2",
            ),
            rx.badge(task.status_label, variant="soft", color_scheme="gray"),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="8px 12px",
        border_bottom=f"1px solid {rx.color('gray', 3)}",
        data_testid="task-row",
    )


def add_task_form(on_submit) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                id="new-task",
                name="title",
                placeholder="Add a task",
                required=True,
                max_length=limits.TASK_TITLE.max_len,
                flex="1",
                aria_label="New task",
            ),
            rx.button(rx.icon("plus", size=14), "Add", type="submit", variant="soft"),
            width="100%",
        ),
        on_submit=on_submit,
        width="100%",
    )


def conversation_row(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("message-square", size=16, color=rx.color("indigo", 9)),
            rx.text(row.title, size="2", weight="medium", flex="1"),
            rx.text(row.creator_name, " · ", row.when, size="1", color=rx.color("gray", 10)),
            align="center",
            spacing="3",
            width="100%",
            padding="10px 12px",
            border_bottom=f"1px solid {rx.color('gray', 3)}",
            _hover={"background": rx.color("gray", 2)},
        ),
        href=routes.conversation(row.id),
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        data_testid="conversation-row",
    )


def panel(title: str, *children: rx.Component, action: rx.Component | None = None) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(title, size="4"), rx.spacer(), action or rx.fragment(), width="100%", align="center"
        ),
        rx.box(
            *children,
            border=f"1px solid {rx.color('gray', 4)}",
            border_radius="12px",
            overflow="hidden",
            width="100%",
            background=rx.color("gray", 1),
        ),
        spacing="3",
        width="100%",
    )
