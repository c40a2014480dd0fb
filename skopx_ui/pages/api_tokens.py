"""Settings → API tokens: personal access tokens for the public API."""

from __future__ import annotations

import reflex as rx

from backend import routes
from components.callouts import form_error, success_notice
from components.dialogs import confirm_dialog
from components.settings_nav import empty_state, role_badge, section, settings_page, skeleton_rows, sr_only
from state.api_tokens import NAME_INPUT_ID, ApiTokensState, TokenRow

LIFETIME_LABELS = (("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year"))
CEILING_LABELS = (
    ("owner", "Owner — everything you can do"),
    ("admin", "Admin — manage people and settings"),
    ("member", "Member — create and change work"),
    ("viewer", "Viewer — read only"),
)


def _labelled(label: str, control: rx.Component, *, html_for: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=html_for or None),
        control,
        spacing="1",
        width="100%",
    )


def _select(value, on_change, options, labels, *, label: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, width="100%"),
        rx.select.content(
            rx.foreach(
                options, lambda option: rx.select.item(rx.match(option, *labels, option), value=option)
            )
        ),
        value=value,
        on_change=on_change,
        size="2",
    )


def _create_form() -> rx.Component:
    invalid = ApiTokensState.name_error != ""
    return rx.form(
        rx.vstack(
            _labelled(
                "Token name",
                rx.input(
                    id=NAME_INPUT_ID,
                    name="name",
                    placeholder="e.g. Deploy script",
                    max_length=100,
                    auto_complete="off",
                    size="2",
                    width="100%",
                    aria_invalid=rx.cond(invalid, "true", "false"),
                    aria_describedby="token-name-hint",
                ),
                html_for=NAME_INPUT_ID,
            ),
            rx.text(
                rx.cond(
                    invalid, ApiTokensState.name_error, "What will use it, so you can tell tokens apart."
                ),
                id="token-name-hint",
                size="1",
                color=rx.cond(invalid, rx.color("red", 11), rx.color("gray", 10)),
                role=rx.cond(invalid, "alert", "note"),
            ),
            rx.grid(
                _labelled(
                    "Organization",
                    rx.select.root(
                        rx.select.trigger(aria_label="Organization", width="100%"),
                        rx.select.content(
                            rx.foreach(
                                ApiTokensState.orgs, lambda o: rx.select.item(o["name"], value=o["id"])
                            )
                        ),
                        value=ApiTokensState.form_org_id,
                        on_change=ApiTokensState.set_form_org,
                        size="2",
                    ),
                ),
                _labelled(
                    "Can act as",
                    _select(
                        ApiTokensState.form_ceiling,
                        ApiTokensState.set_form_ceiling,
                        ApiTokensState.ceiling_options,
                        CEILING_LABELS,
                        label="Can act as",
                    ),
                ),
                _labelled(
                    "Expires in",
                    _select(
                        ApiTokensState.form_days,
                        ApiTokensState.set_form_days,
                        ApiTokensState.lifetimes,
                        LIFETIME_LABELS,
                        label="Expires in",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            rx.text(
                "A token never does more than you can: if your role changes or you leave the organization, "
                "the token follows.",
                size="1",
                color=rx.color("gray", 10),
            ),
            form_error(ApiTokensState.form_error),
            rx.button(
                rx.icon("plus", size=16),
                "Create token",
                type="submit",
                size="2",
                loading=ApiTokensState.creating,
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=ApiTokensState.create,
        no_validate=True,
        width="100%",
        aria_label="Create an API token",
    )


def _secret_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Copy your new token"),
            rx.dialog.description(
                "This is the only time “",
                ApiTokensState.new_name,
                "” is shown. Store it somewhere safe: anyone holding it can act as you in the API.",
                size="2",
            ),
            rx.box(
                rx.code(
                    ApiTokensState.new_secret,
                    variant="ghost",
                    size="2",
                    style={"word_break": "break-all"},
                    data_testid="new-token",
                ),
                padding="12px",
                margin_y="12px",
                border_radius="8px",
                background=rx.color("gray", 3),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("copy", size=15),
                    "Copy",
                    variant="soft",
                    on_click=[
                        rx.set_clipboard(ApiTokensState.new_secret),
                        rx.toast.success("Token copied", duration=1500),
                    ],
                ),
                rx.dialog.close(rx.button("Done")),
                spacing="3",
                justify="end",
            ),
            max_width="520px",
        ),
        open=ApiTokensState.new_secret != "",
        on_open_change=ApiTokensState.close_secret,
    )


def _token_row(token: TokenRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(token.name, size="2", weight="medium"),
                rx.code(token.shown, size="1", variant="ghost", color=rx.color("gray", 10)),
                spacing="0",
            )
        ),
        rx.table.cell(rx.text(token.organization, size="2")),
        rx.table.cell(role_badge(token.ceiling)),
        rx.table.cell(rx.text(token.last_used, size="2", color=rx.color("gray", 11))),
        rx.table.cell(
            rx.vstack(
                rx.badge(
                    token.status_label,
                    color_scheme=rx.match(token.status, ("active", "green"), ("expired", "amber"), "gray"),
                    variant="soft",
                ),
                rx.text(
                    rx.cond(token.active, "until ", "since "),
                    token.expires,
                    size="1",
                    color=rx.color("gray", 10),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(
            rx.cond(
                token.active,
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=ApiTokensState.ask_revoke(token.id),
                    aria_label=f"Revoke {token.name}",
                ),
            ),
            text_align="right",
        ),
        data_token=token.name,
        align="center",
    )


def _token_table() -> rx.Component:
    return rx.cond(
        ApiTokensState.tokens.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Token"),
                        rx.table.column_header_cell("Organization"),
                        rx.table.column_header_cell("Can act as"),
                        rx.table.column_header_cell("Last used"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell(sr_only("Actions")),
                    )
                ),
                rx.table.body(rx.foreach(ApiTokensState.tokens, _token_row)),
                variant="ghost",
                width="100%",
                aria_label="Your API tokens",
                min_width="640px",
            ),
            overflow_x="auto",
            width="100%",
        ),
        empty_state("key-square", "No tokens yet", "Create one above to use the Skopx API from a script."),
    )


def _revoke_dialog() -> rx.Component:
    return confirm_dialog(
        open=ApiTokensState.revoke_id != "",
        title=rx.Var.create("Revoke “") + ApiTokensState.revoke_name + rx.Var.create("”?"),
        body="Requests with this token are refused from the next one on. This can't be undone.",
        confirm_label="Revoke token",
        on_confirm=ApiTokensState.revoke,
        on_open_change=ApiTokensState.set_revoke_open,
        busy=ApiTokensState.revoking,
    )


def content() -> rx.Component:
    return settings_page(
        "API tokens",
        rx.text(
            "Personal access tokens let scripts use the Skopx API as you. ",
            rx.link("Read the API reference", href=routes.API_REFERENCE),
            ".",
            size="2",
            color=rx.color("gray", 11),
        ),
        "api-tokens",
        success_notice(ApiTokensState.notice),
        section("Create a token", "Shown once, stored only as a hash.", _create_form()),
        section(
            "Your tokens",
            "Every token of yours, in every organization, newest first.",
            rx.cond(ApiTokensState.loaded, _token_table(), skeleton_rows(3)),
        ),
        _secret_dialog(),
        _revoke_dialog(),
    )
