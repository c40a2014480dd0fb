"""Where members of an organization without an active subscription land: what happened, who can fix it."""

from __future__ import annotations

import reflex as rx

from backend import routes
from state.billing import InactiveState as S


def _owner_row(owner: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=owner.to(str)[:1].upper(), size="2", radius="full"),
        rx.text(owner, size="2", weight="medium"),
        align="center",
        spacing="3",
    )


def _restricted() -> rx.Component:
    return rx.vstack(
        rx.center(
            rx.icon("circle-pause", size=26, color=rx.color("amber", 11)),
            width="52px",
            height="52px",
            border_radius="14px",
            background=rx.color("amber", 3),
        ),
        rx.heading("Skopx is paused for this organization", size="6"),
        rx.text(S.inactive_reason, size="3", color=rx.color("gray", 11), data_testid="inactive-reason"),
        rx.text(
            "Your projects and conversations are safe. Access comes back as soon as the subscription is "
            "active again.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.separator(size="4"),
        rx.text("Who can fix this", size="2", weight="bold"),
        rx.text(
            "Only the organization's owners can manage billing. Ask one of them to open Billing in Skopx:",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.vstack(rx.foreach(S.owners, _owner_row), spacing="2", data_testid="inactive-owners"),
        rx.separator(size="4"),
        rx.text(
            "Belong to another organization? Switch to it in the menu on the left. You can still reach ",
            rx.link("account settings", href=routes.ACCOUNT),
            " and ",
            rx.link("pricing", href=routes.PRICING),
            ".",
            size="2",
            color=rx.color("gray", 10),
        ),
        spacing="4",
        align="start",
    )


def _all_good() -> rx.Component:
    return rx.vstack(
        rx.icon("circle-check", size=28, color=rx.color("green", 10)),
        rx.heading("Your organization's subscription is active", size="5"),
        rx.text("There is nothing to fix.", size="2", color=rx.color("gray", 11)),
        rx.link(rx.button("Go to chat", size="3"), href=routes.CHAT),
        spacing="3",
        align="start",
    )


def content() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                S.inactive_status == "",
                rx.spinner(size="3"),
                rx.cond(S.inactive_restricted, _restricted(), _all_good()),
            ),
            size="4",
            width="100%",
            max_width="600px",
        ),
        width="100%",
        padding_top="40px",
    )
