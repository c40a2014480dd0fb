"""The bring-your-own-key settings page."""

import reflex as rx


def register(app: rx.App) -> None:
    """Pages of the API keys area are added here."""
