"""The signed-in app frame: sidebar navigation, org switcher, account menu, banner slot."""

from __future__ import annotations

import reflex as rx

from backend import routes
from components.brand import logo

NAV_ITEMS = (
    ("chat", "Chat", "messages-square", routes.CHAT),
    ("projects", "Projects", "folder-kanban", routes.PROJECTS),
    ("settings", "Settings", "settings", routes.ACCOUNT),
    ("billing", "Billing", "credit-card", routes.BILLING),
)


def nav_item(key: str, label: str, icon: str, href: str, active: str) -> rx.Component:
    is_active = key == active
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(label, size="2", weight="medium"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            background=rx.color("indigo", 3) if is_active else "transparent",
            color=rx.color("indigo", 11) if is_active else rx.color("gray", 11),
            _hover={"background": rx.color("gray", 3)},
            width="100%",
        ),
        href=href,
        underline="none",
        aria_current="page" if is_active else None,
        width="100%",
    )


def org_switcher(orgs: rx.Var, current_org_id: rx.Var, on_change) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="Organization", width="100%", aria_label="Switch organization"),
        rx.select.content(rx.foreach(orgs, lambda org: rx.select.item(org["name"], value=org["id"]))),
        value=current_org_id,
        on_change=on_change,
        size="2",
    )


def sign_out_form() -> rx.Component:
    return rx.el.form(
        rx.button(
            rx.icon("log-out", size=16),
            "Sign out",
            type="submit",
            variant="ghost",
            color_scheme="gray",
            size="2",
            width="100%",
            justify="start",
        ),
        action=routes.API_LOGOUT,
        method="post",
        data_skopx_form=True,
        width="100%",
    )


def account_menu(user_name: rx.Var, user_email: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=user_name.to(str)[:1].upper(), size="2", radius="full"),
            rx.vstack(
                rx.text(user_name, size="2", weight="bold", line_height="1.3"),
                rx.text(
                    user_email,
                    size="1",
                    color=rx.color("gray", 10),
                    line_height="1.3",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                    max_width="170px",
                ),
                spacing="0",
                min_width="0",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.link(rx.text("Account settings", size="2"), href=routes.ACCOUNT, color=rx.color("gray", 11)),
        sign_out_form(),
        spacing="2",
        width="100%",
        padding_top="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def app_shell(
    content: rx.Component,
    *,
    active: str,
    user_name: rx.Var,
    user_email: rx.Var,
    orgs: rx.Var,
    current_org_id: rx.Var,
    on_switch_org,
    show_billing: rx.Var,
    banner: rx.Var | str = "",
) -> rx.Component:
    sidebar = rx.vstack(
        logo("4"),
        org_switcher(orgs, current_org_id, on_switch_org),
        rx.el.nav(
            rx.vstack(
                *(
                    rx.cond(show_billing, nav_item(*item, active), rx.fragment())
                    if item[0] == "billing"
                    else nav_item(*item, active)
                    for item in NAV_ITEMS
                ),
                spacing="1",
                width="100%",
            ),
            aria_label="Main",
            width="100%",
        ),
        rx.spacer(),
        account_menu(user_name, user_email),
        width="240px",
        min_width="240px",
        height="100vh",
        position="sticky",
        top="0",
        padding="16px",
        spacing="4",
        border_right=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 2),
    )
    return rx.hstack(
        sidebar,
        rx.box(
            banner or rx.fragment(),
            rx.box(content, as_="main", padding="32px", max_width="1100px"),
            flex="1",
            min_width="0",
        ),
        spacing="0",
        align="start",
        width="100%",
        min_height="100vh",
        background=rx.color("gray", 1),
    )


def loading_screen() -> rx.Component:
    return rx.center(rx.spinner(size="3"), height="100vh", aria_label="Loading")
