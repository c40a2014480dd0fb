"""Header and footer for the public pages (landing, security, pricing, auth)."""

import reflex as rx

from backend import routes
from components.brand import logo


def nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, color=rx.color("gray", 11), size="2", weight="medium", underline="hover")


def public_header() -> rx.Component:
    return rx.box(
        rx.hstack(
            logo(),
            rx.hstack(
                # Below 480px the page links give way to the two buttons (the footer links Security).
                rx.hstack(
                    nav_link("Security", routes.SECURITY),
                    nav_link("Pricing", routes.PRICING),
                    spacing="5",
                    align="center",
                    display=["none", "flex"],
                ),
                rx.link(rx.button("Sign in", variant="ghost", size="2"), href=routes.LOGIN),
                rx.link(rx.button("Get started", size="2"), href=routes.SIGNUP),
                spacing=rx.breakpoints(initial="3", xs="5"),
                align="center",
                white_space="nowrap",
            ),
            justify="between",
            align="center",
            max_width="1120px",
            margin="0 auto",
            padding_x="24px",
            height="64px",
        ),
        as_="header",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def public_footer() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text("© 2026 Skopx. Open source.", size="1", color=rx.color("gray", 10)),
            rx.hstack(
                nav_link("Security", routes.SECURITY),
                rx.link("security.txt", href=routes.SECURITY_TXT, size="2", color=rx.color("gray", 11)),
                spacing="4",
            ),
            justify="between",
            max_width="1120px",
            margin="0 auto",
            padding="24px",
        ),
        as_="footer",
        border_top=f"1px solid {rx.color('gray', 4)}",
        margin_top="64px",
    )


def public_page(*children: rx.Component) -> rx.Component:
    return rx.box(
        public_header(),
        rx.box(*children, as_="main", max_width="1120px", margin="0 auto", padding_x="24px"),
        public_footer(),
        min_height="100vh",
        background=rx.color("gray", 1),
    )
