"""Confirmation dialogs for destructive actions: one look, one behaviour, everywhere."""

from __future__ import annotations

import reflex as rx

from components.settings_nav import field_error


def confirm_dialog(
    *,
    open: rx.Var,
    title: rx.Var | str,
    body: rx.Var | str,
    confirm_label: rx.Var | str,
    on_confirm,
    on_open_change,
    busy: rx.Var | bool = False,
    extra: rx.Component | None = None,
    confirm_disabled: rx.Var | bool = False,
) -> rx.Component:
    """A destructive-action confirmation; Escape or Cancel closes it, focus starts on Cancel."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(body, size="2"),
            extra or rx.fragment(),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    confirm_label,
                    color_scheme="red",
                    on_click=on_confirm,
                    loading=busy,
                    disabled=confirm_disabled,
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="480px",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def typed_confirmation(
    prompt: rx.Component, *, input_id: str, value: rx.Var, on_change, error: rx.Var
) -> rx.Component:
    """'Type X to confirm' for destructive actions: the label, the input and its error."""
    return rx.vstack(
        rx.el.label(prompt, html_for=input_id),
        rx.input(
            id=input_id,
            value=value,
            on_change=on_change,
            auto_complete="off",
            size="2",
            width="100%",
            aria_describedby=f"{input_id}_error",
        ),
        field_error(error, id=f"{input_id}_error"),
        spacing="2",
        margin_top="16px",
        width="100%",
    )


def typed_delete_dialog(
    state,
    *,
    title: rx.Var | str,
    body: str,
    confirm_label: str,
    on_confirm,
    prompt: rx.Component,
    input_id: str,
) -> rx.Component:
    """The delete dialog of a state mixing in TypedConfirmation: confirmed by typing a name."""
    return confirm_dialog(
        open=state.delete_open,
        title=title,
        body=body,
        confirm_label=confirm_label,
        on_confirm=on_confirm,
        on_open_change=state.set_delete_open,
        busy=state.deleting,
        confirm_disabled=~state.delete_matches,
        extra=typed_confirmation(
            prompt,
            input_id=input_id,
            value=state.delete_typed,
            on_change=state.set_delete_typed,
            error=state.delete_error,
        ),
    )
