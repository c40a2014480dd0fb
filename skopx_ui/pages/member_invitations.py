"""Settings → Members, the admin part: the invitation form, the copyable link, pending invitations."""

from __future__ import annotations

import reflex as rx

from components.settings_nav import empty_state, field_error, role_badge, role_select, section, sr_only
from state.members import InvitationRow, MembersState


def invite_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.vstack(
                rx.el.label(rx.text("Email address", size="2", weight="medium"), html_for="invite_email"),
                rx.input(
                    id="invite_email",
                    name="email",
                    type="email",
                    placeholder="name@company.com",
                    required=True,
                    size="2",
                    width="100%",
                    aria_invalid=rx.cond(MembersState.invite_error, "true", "false"),
                    aria_describedby="invite_email_error",
                ),
                field_error(MembersState.invite_error, id="invite_email_error"),
                spacing="1",
                flex="1",
            ),
            rx.vstack(
                rx.el.label(rx.text("Role", size="2", weight="medium")),
                role_select(
                    MembersState.assignable_roles,
                    value=MembersState.invite_role,
                    on_change=MembersState.set_invite_role,
                    label="Role for the invitation",
                ),
                spacing="1",
            ),
            rx.button(
                rx.icon("send", size=14),
                "Create invitation",
                type="submit",
                size="2",
                loading=MembersState.inviting,
                margin_top="22px",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=MembersState.invite,
        no_validate=True,
        width="100%",
    )


def invite_link_box() -> rx.Component:
    return rx.cond(
        MembersState.invite_link,
        rx.callout.root(
            rx.callout.icon(rx.icon("link", size=16)),
            rx.vstack(
                rx.text(
                    "Invitation link for ",
                    rx.text.strong(MembersState.invite_link_email),
                    ". Select the link and copy it, then send it to them. It works once and expires in 7 days.",
                    size="2",
                ),
                rx.hstack(
                    rx.input(
                        value=MembersState.invite_link,
                        read_only=True,
                        id="invite_link",
                        aria_label="Invitation link",
                        size="2",
                        width="100%",
                        font_family="monospace",
                    ),
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
                        variant="soft",
                        size="2",
                        on_click=[
                            rx.set_clipboard(MembersState.invite_link),
                            MembersState.link_copied,
                        ],
                    ),
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="green",
            width="100%",
        ),
        rx.fragment(),
    )


def invitation_row(i: InvitationRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(i.email, size="2")),
        rx.table.cell(role_badge(i.role)),
        rx.table.cell(rx.text(i.invited_by, size="2", color=rx.color("gray", 11))),
        rx.table.cell(
            rx.cond(
                i.withdrawn,
                rx.tooltip(
                    rx.badge("Withdrawn", color_scheme="gray", variant="soft"),
                    content="The person who sent it can no longer invite with this role. Invite again.",
                ),
                rx.cond(
                    i.expired,
                    rx.badge("Expired", color_scheme="red", variant="soft"),
                    rx.text(i.expires, size="2", color=rx.color("gray", 11)),
                ),
            )
        ),
        rx.table.cell(
            rx.cond(
                i.revocable,
                rx.button(
                    "Revoke",
                    variant="ghost",
                    color_scheme="red",
                    size="1",
                    on_click=MembersState.ask("revoke", i.id),
                    aria_label=f"Revoke the invitation for {i.email}",
                ),
                rx.fragment(),
            ),
            text_align="right",
        ),
        data_invitation=i.email,
    )


def invitations_section() -> rx.Component:
    return section(
        "Invite people",
        "Invitations create a single-use link. No email is sent: copy the link and share it with the person.",
        invite_form(),
        invite_link_box(),
        rx.heading("Pending invitations", size="2", as_="h4"),
        rx.cond(
            MembersState.invitations.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Email"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell("Invited by"),
                        rx.table.column_header_cell("Expires"),
                        rx.table.column_header_cell(sr_only("Actions")),
                    )
                ),
                rx.table.body(rx.foreach(MembersState.invitations, invitation_row)),
                variant="ghost",
                width="100%",
                aria_label="Pending invitations",
            ),
            empty_state(
                "mail", "No pending invitations", "Invitations you create appear here until they are used."
            ),
        ),
    )
