"""Settings → API keys: bring your own Anthropic key.

The key input is an uncontrolled password field with no change handlers: what is typed stays in
the browser until the form is submitted, and only the masked key ever comes back.
"""

from __future__ import annotations

import reflex as rx

from components.callouts import error_callout, form_error, success_notice
from components.dialogs import confirm_dialog
from components.settings_nav import section, settings_page, skeleton_rows
from state.api_keys import KEY_INPUT_ID, ApiKeysState

CONSOLE_URL = "https://console.anthropic.com/settings/keys"


def _source_callout() -> rx.Component:
    def callout(icon: str, color: str, text: rx.Component | str) -> rx.Component:
        return rx.callout.root(
            rx.callout.icon(rx.icon(icon, size=18)),
            rx.callout.text(text),
            color_scheme=color,
            variant="surface",
            width="100%",
        )

    return rx.box(
        rx.match(
            ApiKeysState.chat_source,
            (
                "user",
                callout(
                    "circle-check",
                    "green",
                    rx.fragment(
                        "Chat uses ",
                        rx.text.strong("your own key"),
                        ": usage is billed to your Anthropic account.",
                    ),
                ),
            ),
            (
                "server",
                callout(
                    "building-2",
                    "blue",
                    rx.fragment(
                        "Chat uses ",
                        rx.text.strong("this workspace's server key"),
                        ". Add your own key to be billed on your Anthropic account instead.",
                    ),
                ),
            ),
            (
                "demo",
                callout(
                    "flask-conical",
                    "blue",
                    "Chat runs on the built-in demo model. Add your key to chat with Claude.",
                ),
            ),
            callout(
                "triangle-alert",
                "amber",
                rx.fragment(
                    rx.text.strong("Chat is off."),
                    " Add your Anthropic API key below to start chatting.",
                ),
            ),
        ),
        data_testid="chat-key-source",
        width="100%",
    )


def _delete_dialog() -> rx.Component:
    erased = " The key is erased from Skopx; it stays valid at Anthropic until you revoke it there."
    return confirm_dialog(
        open=ApiKeysState.delete_open,
        title="Delete your Anthropic API key?",
        body=rx.match(
            ApiKeysState.fallback,
            ("server", "Chat stops using it at once and falls back to this workspace's server key." + erased),
            ("demo", "Chat stops using it at once and falls back to the demo model." + erased),
            "Chat stops using it at once, and stays off until you add a key again." + erased,
        ),
        confirm_label="Delete key",
        on_confirm=ApiKeysState.delete_key,
        on_open_change=ApiKeysState.set_delete_open,
        busy=ApiKeysState.deleting,
    )


def _stored_key() -> rx.Component:
    return rx.cond(
        ApiKeysState.has_key,
        rx.hstack(
            rx.icon("key-round", size=20, color=rx.color("indigo", 10)),
            rx.vstack(
                rx.code(ApiKeysState.masked_key, size="3", variant="ghost", data_testid="masked-key"),
                rx.text(
                    "Added ",
                    ApiKeysState.added_at,
                    rx.cond(ApiKeysState.replaced_at, rx.fragment(" · replaced ", ApiKeysState.replaced_at)),
                    size="1",
                    color=rx.color("gray", 10),
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("trash-2", size=16),
                "Delete",
                color_scheme="red",
                variant="soft",
                on_click=ApiKeysState.set_delete_open(True),
            ),
            _delete_dialog(),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.icon("key-round", size=28, color=rx.color("gray", 9)),
            rx.text("No API key yet", weight="medium"),
            rx.text(
                "Create a key in the ",
                rx.link("Anthropic Console", href=CONSOLE_URL, is_external=True),
                " and paste it below.",
                size="2",
                color=rx.color("gray", 11),
                align="center",
            ),
            align="center",
            spacing="2",
            padding_y="12px",
            width="100%",
            data_testid="no-key",
        ),
    )


def _key_form() -> rx.Component:
    invalid = ApiKeysState.field_error != ""
    return rx.form(
        rx.vstack(
            rx.el.label(
                rx.text(
                    rx.cond(ApiKeysState.has_key, "Replace with a new key", "Anthropic API key"),
                    size="2",
                    weight="medium",
                ),
                html_for=KEY_INPUT_ID,
            ),
            rx.input(
                id=KEY_INPUT_ID,
                name=KEY_INPUT_ID,
                type="password",
                placeholder="sk-ant-…",
                auto_complete="off",
                spell_check=False,
                required=True,
                size="3",
                width="100%",
                aria_invalid=rx.cond(invalid, "true", "false"),
                aria_describedby="api-key-hint api-key-error",
            ),
            rx.cond(
                invalid,
                rx.text(
                    rx.icon("circle-alert", size=14),
                    ApiKeysState.field_error,
                    id="api-key-error",
                    role="alert",
                    size="2",
                    color=rx.color("red", 11),
                    style={"display": "flex", "gap": "6px", "align_items": "center"},
                ),
                rx.text(
                    "Starts with sk-ant-. Saving again replaces the current key.",
                    id="api-key-hint",
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            rx.checkbox(
                "Verify with Anthropic (one free request checks that the key works)",
                name="verify",
                size="2",
            ),
            form_error(ApiKeysState.form_error),
            rx.button(
                rx.icon("save", size=16),
                rx.cond(ApiKeysState.has_key, "Replace key", "Save key"),
                type="submit",
                size="3",
                loading=ApiKeysState.saving,
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=ApiKeysState.save,
        key=ApiKeysState.form_key,
        no_validate=True,
        width="100%",
        aria_label="Save an Anthropic API key",
    )


def content() -> rx.Component:
    return settings_page(
        "API keys",
        "Bring your own Anthropic API key: chat then runs on your key and your Anthropic account.",
        "api-keys",
        rx.cond(
            ApiKeysState.loaded,
            rx.vstack(
                _source_callout(),
                success_notice(ApiKeysState.notice, data_testid="notice"),
                section(
                    "Your Anthropic key",
                    "Stored encrypted. Only the last 4 characters are ever shown again.",
                    _stored_key(),
                    rx.separator(size="4"),
                    _key_form(),
                ),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                ApiKeysState.form_error,
                error_callout(ApiKeysState.form_error, " Reload the page to try again."),
                skeleton_rows(3),
            ),
        ),
    )
