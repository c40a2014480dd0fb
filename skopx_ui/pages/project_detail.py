"""One project: its conversations (start a new one) and its task list."""

from __future__ import annotations

import reflex as rx

from backend import routes
from components.project_cards import archived_badge, empty_state, visibility_badge
from components.project_tasks import add_task_form, conversation_row, panel, task_row
from state.projects import ProjectDetailState as S


def header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14), rx.text("Projects", size="2"), align="center", spacing="1"
            ),
            href=routes.PROJECTS,
            color=rx.color("gray", 10),
        ),
        rx.hstack(
            rx.heading(S.project.name, size="7", data_testid="project-name"),
            visibility_badge(S.project.visibility),
            archived_badge(S.project.archived),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            S.project.description != "",
            rx.text(S.project.description, color=rx.color("gray", 11), white_space="pre-wrap"),
            rx.fragment(),
        ),
        rx.text(
            "Owner: ",
            S.project.owner_name,
            " · active ",
            S.project.last_activity,
            size="1",
            color=rx.color("gray", 10),
        ),
        spacing="2",
        width="100%",
    )


def conversations() -> rx.Component:
    new = rx.cond(
        S.can_write & ~S.project.archived,
        rx.button(rx.icon("plus", size=14), "New conversation", on_click=S.new_conversation, size="2"),
        rx.fragment(),
    )
    return panel(
        "Conversations",
        rx.cond(
            S.conversation_rows.length() > 0,
            rx.foreach(S.conversation_rows, conversation_row),
            empty_state(
                "message-square-dashed",
                "No conversations yet",
                rx.cond(
                    S.can_write,
                    "Start one to chat with Claude about this project.",
                    "Conversations started in this project appear here.",
                ),
            ),
        ),
        action=new,
    )


def tasks() -> rx.Component:
    return panel(
        "Tasks",
        rx.foreach(
            S.task_rows,
            lambda t: task_row(
                t, statuses=S.task_statuses, on_status=S.set_task_status, on_delete=S.delete_task
            ),
        ),
        rx.cond(
            S.task_rows.length() == 0,
            rx.text("No tasks yet.", size="2", color=rx.color("gray", 10), padding="12px"),
            rx.fragment(),
        ),
        rx.cond(
            S.can_write & ~S.project.archived,
            rx.box(add_task_form(S.add_task), padding="10px"),
            rx.fragment(),
        ),
    )


def not_found() -> rx.Component:
    return empty_state(
        "search-x",
        "Project not found",
        "It may have been deleted, or you may not have access to it.",
        rx.link(rx.button("All projects", variant="soft"), href=routes.PROJECTS),
    )


def content() -> rx.Component:
    return rx.cond(
        S.not_found,
        not_found(),
        rx.cond(
            S.loading,
            rx.vstack(
                rx.skeleton(height="40px", width="50%"),
                rx.skeleton(height="180px", width="100%"),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                header(),
                rx.grid(
                    conversations(),
                    tasks(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                ),
                spacing="6",
                width="100%",
            ),
        ),
    )
