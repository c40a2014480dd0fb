"""Account, organization and member pages (settings area)."""

import reflex as rx


def register(app: rx.App) -> None:
    """Pages of the accounts area are added here."""
