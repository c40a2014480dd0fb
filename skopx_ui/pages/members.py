"""Settings → Members: who belongs to the organization, their roles, and invitations."""

from __future__ import annotations

import reflex as rx

from components.dialogs import confirm_dialog
from components.settings_nav import (
    role_badge,
    role_select,
    section,
    settings_page,
    skeleton_rows,
    sr_only,
)
from skopx_ui.pages.member_invitations import invitations_section
from state.members import MemberRow, MembersState


def role_control(m: MemberRow) -> rx.Component:
    return rx.cond(
        m.manageable,
        role_select(
            MembersState.assignable_roles,
            value=m.role,
            on_change=lambda role: MembersState.change_role(m.user_id, role),
            label=f"Role of {m.name}",
            disabled=MembersState.busy,
        ),
        role_badge(m.role),
    )


def member_actions(m: MemberRow) -> rx.Component:
    return rx.cond(
        m.is_you,
        rx.button(
            "Leave",
            variant="soft",
            color_scheme="gray",
            size="1",
            on_click=MembersState.ask("leave", m.user_id),
        ),
        rx.cond(
            m.manageable,
            rx.dropdown_menu.root(
                rx.dropdown_menu.trigger(
                    rx.icon_button(
                        rx.icon("ellipsis", size=16),
                        variant="ghost",
                        color_scheme="gray",
                        aria_label=f"Actions for {m.name}",
                    )
                ),
                rx.dropdown_menu.content(
                    rx.cond(
                        m.can_transfer,
                        rx.dropdown_menu.item(
                            rx.icon("crown", size=14),
                            "Transfer ownership",
                            on_select=MembersState.ask("transfer", m.user_id),
                        ),
                        rx.fragment(),
                    ),
                    rx.dropdown_menu.item(
                        rx.icon("user-minus", size=14),
                        "Remove from organization",
                        color="red",
                        on_select=MembersState.ask("remove", m.user_id),
                    ),
                    align="end",
                ),
            ),
            rx.box(width="32px"),
        ),
    )


def member_row(m: MemberRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.avatar(fallback=m.initials, size="2", radius="full", color_scheme="indigo"),
                rx.vstack(
                    rx.hstack(
                        rx.text(m.name, size="2", weight="medium"),
                        rx.cond(m.is_you, rx.badge("You", size="1", variant="outline"), rx.fragment()),
                        spacing="2",
                        align="center",
                    ),
                    rx.text(m.email, size="1", color=rx.color("gray", 10)),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
        ),
        rx.table.cell(rx.text(m.joined, size="2", color=rx.color("gray", 11)), vertical_align="middle"),
        rx.table.cell(role_control(m), vertical_align="middle"),
        rx.table.cell(member_actions(m), vertical_align="middle", text_align="right"),
        data_member=m.email,
        align="center",
    )


def member_table() -> rx.Component:
    return rx.cond(
        MembersState.loaded,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Member"),
                    rx.table.column_header_cell("Joined"),
                    rx.table.column_header_cell("Role", width="150px"),
                    rx.table.column_header_cell(sr_only("Actions"), width="60px"),
                )
            ),
            rx.table.body(rx.foreach(MembersState.members, member_row)),
            variant="ghost",
            width="100%",
            aria_label="Members",
        ),
        skeleton_rows(4),
    )


def read_only_notice() -> rx.Component:
    return rx.callout(
        "You can see who belongs to this organization. Only admins and owners can invite people or change roles.",
        icon="info",
        color_scheme="gray",
        variant="surface",
        size="1",
        width="100%",
    )


def content() -> rx.Component:
    return settings_page(
        "Members",
        rx.text(
            "People in ",
            rx.text.strong(MembersState.current_org_name),
            " and what they can do. Owners manage everyone; admins manage admins, members and viewers.",
            size="2",
            color=rx.color("gray", 11),
        ),
        "members",
        rx.cond(MembersState.is_admin, rx.fragment(), read_only_notice()),
        section(
            "Team",
            rx.text(
                MembersState.members.length(),
                " people",
                size="2",
                color=rx.color("gray", 11),
            ),
            member_table(),
        ),
        rx.cond(MembersState.is_admin, invitations_section(), rx.fragment()),
        confirm_dialog(
            open=MembersState.confirm_open,
            title=MembersState.confirm_title,
            body=MembersState.confirm_body,
            confirm_label=MembersState.confirm_label,
            on_confirm=MembersState.confirm,
            on_open_change=MembersState.set_confirm_open,
            busy=MembersState.busy,
        ),
    )
