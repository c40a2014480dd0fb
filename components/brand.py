import reflex as rx

from backend import routes


def logo(size: str = "5") -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("scan-eye", size=18, color="white"),
                width="30px",
                height="30px",
                border_radius="8px",
                background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))",
            ),
            rx.heading("Skopx", size=size, weight="bold", color=rx.color("gray", 12)),
            align="center",
            spacing="2",
        ),
        href=routes.HOME,
        underline="none",
        aria_label="Skopx home",
    )
