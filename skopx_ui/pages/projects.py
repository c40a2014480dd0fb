"""Projects: search, show archived, create, rename, change visibility, archive and delete."""

from __future__ import annotations

import reflex as rx

from backend import limits
from components.chat_sidebar import rename_dialog
from components.dialogs import confirm_dialog
from components.project_cards import create_project_dialog, empty_state, project_row
from state.projects import ProjectsState


def toolbar() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Search projects by name",
            value=ProjectsState.search,
            on_change=ProjectsState.set_search.debounce(250),
            width="320px",
            aria_label="Search projects",
        ),
        rx.el.label(
            rx.hstack(
                rx.switch(checked=ProjectsState.show_archived, on_change=ProjectsState.set_show_archived),
                rx.text("Show archived", size="2"),
                align="center",
                spacing="2",
            ),
        ),
        align="center",
        spacing="4",
        width="100%",
    )


def listing() -> rx.Component:
    rows = rx.box(
        rx.foreach(
            ProjectsState.items,
            lambda p: project_row(
                p,
                on_rename=ProjectsState.ask_rename,
                on_visibility=ProjectsState.set_visibility,
                on_archive=ProjectsState.set_archived,
                on_delete=ProjectsState.ask_delete,
            ),
        ),
        border=f"1px solid {rx.color('gray', 4)}",
        border_radius="12px",
        background=rx.color("gray", 1),
        overflow="hidden",
        width="100%",
    )
    empty = rx.cond(
        ProjectsState.search != "",
        empty_state("search-x", "No matching projects", "Try another name, or show archived projects."),
        empty_state(
            "folder-plus",
            "No projects yet",
            rx.cond(
                ProjectsState.can_write,
                "Create a project to organize conversations and tasks.",
                "When your team creates projects, they appear here.",
            ),
        ),
    )
    return rx.cond(
        ProjectsState.loading,
        rx.vstack(*[rx.skeleton(height="72px", width="100%") for _ in range(4)], width="100%"),
        rx.cond(ProjectsState.items.length() > 0, rows, empty),
    )


def content() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading("Projects", size="7"),
                rx.text("Organize conversations and tasks by project.", color=rx.color("gray", 10)),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                ProjectsState.can_write,
                create_project_dialog(
                    open_=ProjectsState.create_open,
                    on_open_change=ProjectsState.set_create_open,
                    on_submit=ProjectsState.create,
                ),
                rx.fragment(),
            ),
            width="100%",
            align="center",
        ),
        toolbar(),
        listing(),
        rename_dialog(
            title="Rename project",
            max_length=limits.PROJECT_NAME.max_len,
            label="Name",
            value=ProjectsState.target_name,
            open_=ProjectsState.rename_open,
            on_open_change=ProjectsState.set_rename_open,
            on_submit=ProjectsState.rename,
        ),
        confirm_dialog(
            title="Delete this project?",
            body="“" + ProjectsState.target_name + "” and all its conversations, messages and tasks "
            "will be deleted for everyone. This cannot be undone.",
            confirm_label="Delete project",
            open=ProjectsState.delete_open,
            on_open_change=ProjectsState.set_delete_open,
            on_confirm=ProjectsState.delete,
        ),
        spacing="5",
        width="100%",
    )
