"""Account settings: display name, password change (revokes other sessions), account deletion."""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

import reflex as rx

from backend import routes
from backend.errors import AppError
from backend.services import accounts, profile, sessions
from state.base import AppState
from state.confirm import TypedConfirmation
from state.handlers import guarded, handles_errors

PASSWORD_FIELDS = ("current_password", "new_password", "confirm_password")


class AccountState(TypedConfirmation, AppState):
    billing_exempt: ClassVar[bool] = True
    loaded: bool = False
    other_sessions: int = 0
    name_error: str = ""
    saving_name: bool = False
    password_errors: dict[str, str] = {}
    password_rules: list[dict[str, str | bool]] = [
        {"key": key, "label": label, "ok": False} for key, label, _ in accounts.password_checklist("")
    ]
    changing_password: bool = False
    blockers: list[str] = []

    @rx.var
    def delete_matches(self) -> bool:
        return bool(self.user_email) and self.delete_typed.strip().lower() == self.user_email

    @rx.event
    @guarded
    async def load(self):
        self.loaded = False
        self.name_error = ""
        self.password_errors = {}
        yield
        await self._reload()

    async def _reload(self) -> None:
        user = await sessions.resolve_session(self.router.headers.cookie)
        view = await profile.get_profile(user_id=user.user_id, current_jti=user.jti)
        self.user_name, self.user_email, self.other_sessions = view.name, view.email, view.other_sessions
        self.blockers = await profile.sole_owner_blockers(user_id=user.user_id)
        self.loaded = True

    @rx.event
    @handles_errors(fields={"name": "name_error", "display_name": "name_error"})
    async def save_name(self, form: dict):
        self.saving_name = True
        self.name_error = ""
        yield
        try:
            user = await sessions.resolve_session(self.router.headers.cookie)
            self.user_name = await profile.update_display_name(
                user_id=user.user_id, name=str(form.get("name", ""))
            )
            self._toast("Your name was updated.", "success")
        finally:
            self.saving_name = False

    @rx.event
    def check_password(self, value: str):
        """Only the rule results are kept; the password itself never enters state."""
        self.password_rules = [
            {"key": key, "label": label, "ok": ok} for key, label, ok in accounts.password_checklist(value)
        ]

    @rx.event
    @handles_errors(fields=dict.fromkeys(PASSWORD_FIELDS, "password_errors"))
    async def change_password(self, form: dict):
        current, new, again = (str(form.get(name, "")) for name in PASSWORD_FIELDS)
        self.password_errors = {}
        if new and again != new:
            self.password_errors = {"confirm_password": "The two new passwords don't match. Type it again."}
            return
        self.changing_password = True
        yield
        try:
            user = await sessions.resolve_session(self.router.headers.cookie)
            revoked = await profile.change_password(
                user_id=user.user_id, current_jti=user.jti, current_password=current, new_password=new
            )
            self.other_sessions = 0
            for name in PASSWORD_FIELDS:
                yield rx.set_value(name, "")
            self.check_password("")
            signed_out = (
                f" {revoked} other session{'s' if revoked != 1 else ''} signed out." if revoked else ""
            )
            self._toast("Your password was changed." + signed_out, "success")
        finally:
            self.changing_password = False

    @rx.event
    @handles_errors(fields={"confirm_email": "delete_error"}, on_failure="_deletion_refused")
    async def delete_account(self):
        self.deleting = True
        yield
        try:
            user = await sessions.resolve_session(self.router.headers.cookie)
            await profile.delete_account(user_id=user.user_id, confirm_email=self.delete_typed)
            self.delete_open = False
            self.authenticated = False
            self._user_id = ""
            yield rx.redirect(routes.login_with_notice("deleted"))
        finally:
            self.deleting = False

    async def _deletion_refused(self, error: Exception) -> None:
        """Anything but a mistyped confirmation closes the dialog; the reason may be new blockers."""
        if isinstance(error, AppError) and error.field == "confirm_email":
            return
        self.delete_open = False
        if self._user_id:
            with suppress(AppError):
                self.blockers = await profile.sole_owner_blockers(user_id=self._user_id)
