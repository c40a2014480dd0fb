"""Project list rows, badges and the create-project dialog."""

from __future__ import annotations

import reflex as rx

from backend import limits, routes


def visibility_badge(visibility: rx.Var) -> rx.Component:
    return rx.cond(
        visibility == "private",
        rx.badge(rx.icon("lock", size=11), "Private", color_scheme="gray", variant="soft"),
        rx.badge(rx.icon("users", size=11), "Shared", color_scheme="indigo", variant="soft"),
    )


def archived_badge(archived: rx.Var) -> rx.Component:
    return rx.cond(archived, rx.badge("Archived", color_scheme="amber", variant="soft"), rx.fragment())


def project_row(project: rx.Var, *, on_rename, on_visibility, on_archive, on_delete) -> rx.Component:
    menu = rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                color_scheme="gray",
                aria_label="Actions for " + project.name,
            ),
        ),
        rx.dropdown_menu.content(
            rx.dropdown_menu.item("Rename", on_click=on_rename(project.id, project.name)),
            rx.cond(
                project.visibility == "private",
                rx.dropdown_menu.item("Make shared", on_click=on_visibility(project.id, "shared")),
                rx.dropdown_menu.item("Make private", on_click=on_visibility(project.id, "private")),
            ),
            rx.cond(
                project.archived,
                rx.dropdown_menu.item("Unarchive", on_click=on_archive(project.id, False)),
                rx.dropdown_menu.item("Archive", on_click=on_archive(project.id, True)),
            ),
            rx.dropdown_menu.separator(),
            rx.dropdown_menu.item("Delete", color="red", on_click=on_delete(project.id, project.name)),
        ),
    )
    return rx.hstack(
        rx.center(
            rx.icon("folder-kanban", size=18),
            width="36px",
            height="36px",
            border_radius="10px",
            background=rx.color("indigo", 3),
            color=rx.color("indigo", 11),
            min_width="36px",
        ),
        rx.vstack(
            rx.hstack(
                rx.link(
                    project.name,
                    href=routes.project(project.id),
                    weight="bold",
                    size="3",
                    color=rx.color("gray", 12),
                    underline="hover",
                ),
                visibility_badge(project.visibility),
                archived_badge(project.archived),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                project.description != "",
                rx.text(
                    project.description,
                    size="2",
                    color=rx.color("gray", 11),
                    class_name="skopx-clamp",
                ),
                rx.fragment(),
            ),
            rx.text(project.summary, size="1", color=rx.color("gray", 10)),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        rx.cond(project.can_edit, menu, rx.fragment()),
        align="start",
        spacing="3",
        width="100%",
        padding="14px 16px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="project-row",
        data_name=project.name,
    )


def create_project_dialog(*, open_: rx.Var, on_open_change, on_submit) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=16), "New project")),
        rx.dialog.content(
            rx.dialog.title("New project"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Name", html_for="project-name", class_name="rt-Text rt-r-size-2 rt-r-weight-medium"
                    ),
                    rx.input(
                        id="project-name",
                        name="name",
                        required=True,
                        max_length=limits.PROJECT_NAME.max_len,
                        width="100%",
                        placeholder="e.g. Q3 revenue analysis",
                        auto_focus=True,
                    ),
                    rx.el.label(
                        "Description (optional)",
                        html_for="project-description",
                        class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                    ),
                    rx.text_area(
                        id="project-description",
                        name="description",
                        max_length=limits.PROJECT_DESCRIPTION.max_len,
                        width="100%",
                        rows="3",
                        placeholder="What is this project about?",
                    ),
                    rx.text("Visibility", size="2", weight="medium"),
                    rx.radio_group.root(
                        rx.vstack(
                            rx.el.label(
                                rx.hstack(
                                    rx.radio_group.item(value="shared"),
                                    rx.text("Shared — everyone in the organization can see it", size="2"),
                                    align="center",
                                )
                            ),
                            rx.el.label(
                                rx.hstack(
                                    rx.radio_group.item(value="private"),
                                    rx.text("Private — only you and admins", size="2"),
                                    align="center",
                                )
                            ),
                            spacing="2",
                        ),
                        name="visibility",
                        default_value="shared",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Create project", type="submit"),
                        justify="end",
                        width="100%",
                        margin_top="8px",
                    ),
                    spacing="2",
                    margin_top="8px",
                ),
                on_submit=on_submit,
                reset_on_submit=True,
            ),
            max_width="480px",
        ),
        open=open_,
        on_open_change=on_open_change,
    )


def empty_state(
    icon: str, title: str, text: rx.Var | str, action: rx.Component | None = None
) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=32, color=rx.color("indigo", 9)),
            rx.heading(title, size="4"),
            rx.text(text, size="2", color=rx.color("gray", 10), text_align="center"),
            action or rx.fragment(),
            align="center",
            spacing="2",
            max_width="420px",
        ),
        padding="48px 16px",
        width="100%",
        data_testid="empty-state",
    )
