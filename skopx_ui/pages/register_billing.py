"""Pricing and billing pages."""

import reflex as rx


def register(app: rx.App) -> None:
    """Pages of the billing area are added here."""
