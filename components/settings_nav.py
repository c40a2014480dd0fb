"""Settings area building blocks: sub-navigation, page header, section cards, confirm dialog, empty state."""

from __future__ import annotations

import reflex as rx

from backend import routes

SETTINGS_TABS = (
    ("account", "Account", "user-round", routes.ACCOUNT),
    ("organization", "Organization", "building-2", routes.ORGANIZATION),
    ("members", "Members", "users", routes.MEMBERS),
    ("api-keys", "API keys", "key-round", routes.API_KEYS),
    ("api-tokens", "API tokens", "square-terminal", routes.API_TOKENS),
)


def settings_tab(key: str, label: str, icon: str, href: str, active: str) -> rx.Component:
    is_active = key == active
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=15), rx.text(label, size="2", weight="medium"), spacing="2", align="center"
        ),
        href=href,
        underline="none",
        aria_current="page" if is_active else None,
        color=rx.color("indigo", 11) if is_active else rx.color("gray", 11),
        padding_x="4px",
        padding_y="10px",
        margin_bottom="-1px",
        border_bottom=f"2px solid {rx.color('indigo', 9)}" if is_active else "2px solid transparent",
        _hover={"color": rx.color("gray", 12)},
        _focus_visible={"outline": f"2px solid {rx.color('indigo', 8)}", "outline_offset": "2px"},
    )


def settings_nav(active: str) -> rx.Component:
    return rx.el.nav(
        rx.hstack(*(settings_tab(*tab, active) for tab in SETTINGS_TABS), spacing="5", width="max-content"),
        aria_label="Settings",
        width="100%",
        overflow_x="auto",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def settings_page(
    title: str, description: rx.Component | str, active: str, *children: rx.Component
) -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading("Settings", size="7"),
            settings_nav(active),
            spacing="4",
            width="100%",
        ),
        rx.vstack(
            rx.heading(title, size="5", as_="h2"),
            rx.text(description, size="2", color=rx.color("gray", 11))
            if isinstance(description, str)
            else description,
            spacing="1",
            width="100%",
        ),
        *children,
        spacing="5",
        width="100%",
        max_width="860px",
    )


def section(
    title: str, description: rx.Component | str, *children: rx.Component, danger: bool = False, **props
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="3", as_="h3", color=rx.color("red", 11) if danger else None),
                rx.text(description, size="2", color=rx.color("gray", 11))
                if isinstance(description, str)
                else description,
                spacing="1",
                width="100%",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        style={"border": f"1px solid {rx.color('red', 6)}"} if danger else {},
        **props,
    )


def sr_only(text: str) -> rx.Component:
    """Text for screen readers only (e.g. the header of an actions column)."""
    return rx.el.span(
        text,
        style={
            "position": "absolute",
            "width": "1px",
            "height": "1px",
            "overflow": "hidden",
            "clip": "rect(0 0 0 0)",
            "white_space": "nowrap",
        },
    )


def field_error(message: rx.Var, *, id: str) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, id=id, size="1", color=rx.color("red", 11), role="alert"),
        rx.fragment(),
    )


def empty_state(icon: str, title: str, text: str) -> rx.Component:
    return rx.vstack(
        rx.icon(icon, size=28, color=rx.color("gray", 9)),
        rx.text(title, size="2", weight="medium"),
        rx.text(text, size="2", color=rx.color("gray", 10), text_align="center"),
        align="center",
        spacing="2",
        padding_y="28px",
        width="100%",
    )


def skeleton_rows(count: int = 3) -> rx.Component:
    return rx.vstack(
        *(rx.skeleton(rx.box(height="44px", width="100%"), loading=True) for _ in range(count)),
        spacing="2",
        width="100%",
        aria_busy="true",
        aria_label="Loading",
    )


def role_badge(role: rx.Var) -> rx.Component:
    return rx.badge(
        role,
        color_scheme=rx.match(role, ("owner", "amber"), ("admin", "indigo"), ("member", "green"), "gray"),
        variant="soft",
        size="2",
        text_transform="capitalize",
    )


ROLE_LABELS = (("owner", "Owner"), ("admin", "Admin"), ("member", "Member"), ("viewer", "Viewer"))


def role_select(
    options: rx.Var, *, value: rx.Var, on_change, label: rx.Var | str, disabled=False
) -> rx.Component:
    """A role picker whose trigger carries an accessible name (e.g. "Role of Maya Member")."""
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="120px"),
        rx.select.content(
            rx.foreach(options, lambda role: rx.select.item(rx.match(role, *ROLE_LABELS, role), value=role))
        ),
        value=value,
        on_change=on_change,
        disabled=disabled,
        size="2",
    )
