"""Account settings: display name, password change (revokes other sessions), account deletion."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from backend.errors import AppError
from backend.services import accounts, profile, sessions
from state import routes
from state.base import AppState, guarded
from state.confirm import TypedConfirmation

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
        if not self.authenticated:
            return
        self.loaded = False
        self.name_error = ""
        self.password_errors = {}
        yield
        try:
            await self._reload()
        except Exception as error:  # noqa: BLE001
            yield self._fail(error)

    async def _reload(self) -> None:
        user = await sessions.resolve_session(self.router.headers.cookie)
        view = await profile.get_profile(user_id=user.user_id, current_jti=user.jti)
        self.user_name, self.user_email, self.other_sessions = view.name, view.email, view.other_sessions
        self.blockers = await profile.sole_owner_blockers(user_id=user.user_id)
        self.loaded = True

    @rx.event
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
        except AppError as error:
            if error.field in ("name", "display_name"):
                self.name_error = error.detail
            else:
                yield self._fail(error)
        except Exception as error:  # noqa: BLE001
            yield self._fail(error)
        finally:
            self.saving_name = False

    @rx.event
    def check_password(self, value: str):
        """Only the rule results are kept; the password itself never enters state."""
        self.password_rules = [
            {"key": key, "label": label, "ok": ok} for key, label, ok in accounts.password_checklist(value)
        ]

    @rx.event
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
        except AppError as error:
            if error.field in PASSWORD_FIELDS:
                self.password_errors = {error.field: error.detail}
            else:
                yield self._fail(error)
        except Exception as error:  # noqa: BLE001
            yield self._fail(error)
        finally:
            self.changing_password = False

    @rx.event
    async def delete_account(self):
        self.deleting = True
        yield
        try:
            user = await sessions.resolve_session(self.router.headers.cookie)
            await profile.delete_account(user_id=user.user_id, confirm_email=self.delete_typed)
            self.delete_open = False
            self.authenticated = False
            self._user_id = ""
            yield rx.redirect(f"{routes.LOGIN}?notice=deleted")
        except AppError as error:
            if error.field == "confirm_email":
                self.delete_error = error.detail
            else:
                self.delete_open = False
                self.blockers = (
                    await profile.sole_owner_blockers(user_id=self._user_id) if self._user_id else []
                )
                yield self._fail(error)
        except Exception as error:  # noqa: BLE001
            self.delete_open = False
            yield self._fail(error)
        finally:
            self.deleting = False
