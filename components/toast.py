"""A toast driven by state vars: CSP-safe (no eval), announced to screen readers."""

from __future__ import annotations

import reflex as rx

ICONS = {"error": "circle-alert", "success": "circle-check", "info": "info"}


def toast_region(text: rx.Var, kind: rx.Var, seq: rx.Var, on_dismiss) -> rx.Component:
    return rx.box(
        rx.cond(
            text,
            rx.box(
                rx.callout.root(
                    rx.hstack(
                        rx.callout.icon(
                            rx.match(
                                kind,
                                ("error", rx.icon(ICONS["error"])),
                                ("success", rx.icon(ICONS["success"])),
                                rx.icon(ICONS["info"]),
                            )
                        ),
                        rx.callout.text(text, flex="1"),
                        rx.icon_button(
                            rx.icon("x", size=14),
                            variant="ghost",
                            size="1",
                            color_scheme="gray",
                            on_click=on_dismiss,
                            aria_label="Dismiss",
                        ),
                        align="center",
                        spacing="3",
                        width="100%",
                    ),
                    color_scheme=rx.match(kind, ("error", "red"), ("success", "green"), "blue"),
                    variant="surface",
                    size="2",
                    box_shadow="0 8px 24px rgba(0,0,0,0.12)",
                    background=rx.color("gray", 1),
                ),
                key=seq.to(str),
                class_name="skopx-toast",
                data_kind=kind,
                data_testid="toast",
            ),
        ),
        role="status",
        aria_live="polite",
        position="fixed",
        bottom="24px",
        right="24px",
        z_index="1000",
        max_width="420px",
    )
