"""Settings → Account: profile, password, deleting the account."""

from __future__ import annotations

import reflex as rx

from backend import limits
from components.dialogs import typed_delete_dialog
from components.forms import rule_row
from components.settings_nav import (
    field_error,
    section,
    settings_page,
    skeleton_rows,
)
from state.account import AccountState


def labelled(label: str, control: rx.Component, error: rx.Var | None = None, hint=None) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=control.id),
        control,
        field_error(error, id=f"{control.id}_error") if error is not None else rx.fragment(),
        hint if hint is not None else rx.fragment(),
        spacing="1",
        width="100%",
        max_width="420px",
    )


def password_input(name: str, autocomplete: str, **props) -> rx.Component:
    return rx.input(
        id=name,
        name=name,
        type="password",
        auto_complete=autocomplete,
        required=True,
        size="2",
        width="100%",
        aria_invalid=rx.cond(AccountState.password_errors.contains(name), "true", "false"),
        aria_describedby=f"{name}_error",
        **props,
    )


def profile_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Display name",
                rx.input(
                    id="display_name",
                    name="name",
                    default_value=AccountState.user_name,
                    key=AccountState.user_name,
                    max_length=limits.DISPLAY_NAME.max_len,
                    required=True,
                    auto_complete="name",
                    size="2",
                    width="100%",
                    aria_invalid=rx.cond(AccountState.name_error, "true", "false"),
                    aria_describedby="display_name_error",
                ),
                AccountState.name_error,
            ),
            rx.vstack(
                rx.text("Email", size="2", weight="medium"),
                rx.input(
                    value=AccountState.user_email, read_only=True, size="2", width="100%", aria_label="Email"
                ),
                rx.text("Your email address is your sign-in name.", size="1", color=rx.color("gray", 10)),
                spacing="1",
                width="100%",
                max_width="420px",
            ),
            rx.button("Save profile", type="submit", size="2", loading=AccountState.saving_name),
            spacing="3",
            width="100%",
        ),
        on_submit=AccountState.save_name,
        no_validate=True,
        width="100%",
    )


def password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Current password",
                password_input("current_password", "current-password"),
                AccountState.password_errors.get("current_password", ""),
            ),
            labelled(
                "New password",
                password_input(
                    "new_password", "new-password", on_change=AccountState.check_password.debounce(150)
                ),
                AccountState.password_errors.get("new_password", ""),
                hint=rx.vstack(
                    rx.foreach(AccountState.password_rules, rule_row),
                    spacing="1",
                    aria_live="polite",
                    aria_label="Password requirements",
                    padding_top="4px",
                ),
            ),
            labelled(
                "Confirm new password",
                password_input("confirm_password", "new-password"),
                AccountState.password_errors.get("confirm_password", ""),
            ),
            rx.button("Change password", type="submit", size="2", loading=AccountState.changing_password),
            spacing="3",
            width="100%",
        ),
        on_submit=AccountState.change_password,
        no_validate=True,
        width="100%",
    )


def sessions_note() -> rx.Component:
    return rx.cond(
        AccountState.other_sessions > 0,
        rx.text(
            "You are also signed in on ",
            AccountState.other_sessions,
            " other device(s) or browser(s). Changing your password signs them out.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.text(
            "Changing your password signs out every other device; this one stays signed in.",
            size="2",
            color=rx.color("gray", 11),
        ),
    )


def delete_section() -> rx.Component:
    return section(
        "Delete account",
        "Your account, your personal organizations (where you are the only member) and your sessions are "
        "deleted. This cannot be undone.",
        rx.cond(
            AccountState.blockers.length() > 0,
            rx.callout(
                rx.text(
                    "You are the only owner of ",
                    rx.text.strong(AccountState.blockers.join(", ")),
                    ", which still has other members. Transfer ownership (Settings → Members) or delete it first.",
                ),
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.box(
            rx.button(
                rx.icon("trash-2", size=14),
                "Delete my account…",
                color_scheme="red",
                variant="soft",
                on_click=AccountState.open_delete,
            )
        ),
        typed_delete_dialog(
            AccountState,
            title="Delete your account?",
            body="You will be signed out everywhere and your account cannot be recovered.",
            confirm_label="Delete account",
            on_confirm=AccountState.delete_account,
            prompt=rx.text(
                "Type your email ", rx.text.strong(AccountState.user_email), " to confirm", size="2"
            ),
            input_id="confirm_email",
        ),
        danger=True,
    )


def content() -> rx.Component:
    return settings_page(
        "Account",
        "Your profile and sign-in details. These apply in every organization you belong to.",
        "account",
        rx.cond(
            AccountState.loaded,
            rx.vstack(
                section("Profile", "How other members see you.", profile_form()),
                section("Password", sessions_note(), password_form()),
                delete_section(),
                spacing="5",
                width="100%",
            ),
            skeleton_rows(4),
        ),
    )
