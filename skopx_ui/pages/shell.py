"""Wraps a protected page in the app shell; nothing renders until the session is verified."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from components.app_shell import app_shell, loading_screen
from components.billing_cards import billing_banner
from components.toast import toast_region
from state.base import AppState


def protected(content: Callable[[], rx.Component], *, active: str) -> Callable[[], rx.Component]:
    def page() -> rx.Component:
        return rx.fragment(
            toast_region(
                AppState.toast_text, AppState.toast_kind, AppState.toast_seq, AppState.dismiss_toast
            ),
            rx.cond(
                AppState.authenticated,
                app_shell(
                    content(),
                    active=active,
                    user_name=AppState.user_name,
                    user_email=AppState.user_email,
                    orgs=AppState.orgs,
                    current_org_id=AppState.current_org_id,
                    on_switch_org=AppState.switch_org,
                    show_billing=AppState.is_admin,
                    banner=billing_banner(AppState.billing_banner, show_link=AppState.is_owner),
                ),
                loading_screen(),
            ),
        )

    return page
