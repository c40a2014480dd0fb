"""Settings → Organization: name, creating another organization, deleting this one."""

from __future__ import annotations

import reflex as rx

from backend import limits
from components.dialogs import typed_delete_dialog
from components.settings_nav import (
    field_error,
    section,
    settings_page,
    skeleton_rows,
)
from state.organization import OrganizationState


def details() -> rx.Component:
    return rx.cond(
        OrganizationState.loaded,
        rx.form(
            rx.vstack(
                rx.el.label(rx.text("Organization name", size="2", weight="medium"), html_for="org_name"),
                rx.hstack(
                    rx.input(
                        id="org_name",
                        name="name",
                        default_value=OrganizationState.org_name,
                        key=OrganizationState.org_name,
                        max_length=limits.ORGANIZATION_NAME.max_len,
                        required=True,
                        size="2",
                        width="100%",
                        read_only=~OrganizationState.is_admin,
                        aria_invalid=rx.cond(OrganizationState.rename_error, "true", "false"),
                        aria_describedby="org_name_error",
                    ),
                    rx.cond(
                        OrganizationState.is_admin,
                        rx.button("Save", type="submit", size="2", loading=OrganizationState.renaming),
                        rx.fragment(),
                    ),
                    width="100%",
                    max_width="520px",
                ),
                field_error(OrganizationState.rename_error, id="org_name_error"),
                rx.cond(
                    OrganizationState.is_admin,
                    rx.fragment(),
                    rx.text(
                        "Only admins and owners can rename the organization.",
                        size="1",
                        color=rx.color("gray", 10),
                    ),
                ),
                rx.hstack(
                    rx.text(
                        "Address: ", rx.code(OrganizationState.org_slug), size="2", color=rx.color("gray", 11)
                    ),
                    rx.text("·", color=rx.color("gray", 8)),
                    rx.text(OrganizationState.member_count, " members", size="2", color=rx.color("gray", 11)),
                    rx.text("·", color=rx.color("gray", 8)),
                    rx.text("Created ", OrganizationState.org_created, size="2", color=rx.color("gray", 11)),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=OrganizationState.rename,
            no_validate=True,
            width="100%",
        ),
        skeleton_rows(2),
    )


def create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(rx.text("New organization name", size="2", weight="medium"), html_for="new_org_name"),
            rx.hstack(
                rx.input(
                    id="new_org_name",
                    name="name",
                    placeholder="e.g. Acme Research",
                    max_length=limits.ORGANIZATION_NAME.max_len,
                    required=True,
                    size="2",
                    width="100%",
                    aria_invalid=rx.cond(OrganizationState.create_error, "true", "false"),
                    aria_describedby="new_org_name_error",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "Create organization",
                    type="submit",
                    size="2",
                    variant="soft",
                    loading=OrganizationState.creating,
                ),
                width="100%",
                max_width="520px",
            ),
            field_error(OrganizationState.create_error, id="new_org_name_error"),
            spacing="2",
            width="100%",
        ),
        on_submit=OrganizationState.create,
        no_validate=True,
        width="100%",
    )


def danger_zone() -> rx.Component:
    return section(
        "Delete organization",
        "Deleting removes every project, conversation, connection and member of this organization. "
        "This cannot be undone.",
        rx.box(
            rx.button(
                rx.icon("trash-2", size=14),
                "Delete this organization…",
                color_scheme="red",
                variant="soft",
                on_click=OrganizationState.open_delete,
            )
        ),
        typed_delete_dialog(
            OrganizationState,
            title=rx.Var.create("Delete ") + OrganizationState.org_name + "?",
            body="Everything in this organization is deleted for every member, immediately and for good.",
            confirm_label="Delete organization",
            on_confirm=OrganizationState.delete,
            prompt=rx.text("Type ", rx.text.strong(OrganizationState.org_name), " to confirm", size="2"),
            input_id="confirm_org_name",
        ),
        danger=True,
    )


def content() -> rx.Component:
    return settings_page(
        "Organization",
        "The workspace you are in now. Switch organizations in the sidebar.",
        "organization",
        section("Details", "How this organization appears to its members.", details()),
        section(
            "Create another organization",
            "Separate workspaces keep projects, data and billing apart. You will be its owner.",
            create_form(),
        ),
        rx.cond(OrganizationState.is_owner, danger_zone(), rx.fragment()),
    )
