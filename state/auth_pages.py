"""Sign-in and sign-up pages: messages carried back by a plain-form redirect, live password checklist."""

from __future__ import annotations

import reflex as rx

from backend import limits, routes
from backend.services import accounts

LOGIN_ERRORS = {
    "invalid_credentials": "Email or password is incorrect.",
    "rate_limited": "Too many attempts.",
    "server": "Something went wrong on our side. Please try again.",
}
NOTICES = {
    "signed_out": "You have been signed out.",
    "expired": "Your session has ended. Please sign in again.",
    "required": "Please sign in to continue.",
    "deleted": "Your account has been deleted.",
}
SIGNUP_FIELD_ERRORS = {
    "name": f"Enter your name ({limits.DISPLAY_NAME.min_len}–{limits.DISPLAY_NAME.max_len} characters).",
    "email": "Check the email address. If you already have an account with it, sign in instead.",
    "password": "Choose a password that meets every rule below.",
}


def _wait_text(seconds: str) -> str:
    """The wait message for a `retry_after` carried back in the query (the whole window if garbled)."""
    return accounts.wait_message(int(seconds) if seconds.isdigit() else None)


class LoginState(rx.State):
    email: str = ""
    next_path: str = routes.CHAT
    error: str = ""
    notice: str = ""

    @rx.event
    def load(self):
        query = self.router.url.query_parameters
        self.email = query.get("email", "")[: limits.EMAIL_MAX_LEN]
        self.next_path = accounts.safe_next(query.get("next"))
        code = query.get("error", "")
        if code == "rate_limited":
            self.error = _wait_text(query.get("retry_after", ""))
        else:
            self.error = LOGIN_ERRORS.get(code, "")
        self.notice = NOTICES.get(query.get("notice", ""), "")


class SignupState(rx.State):
    name: str = ""
    email: str = ""
    next_path: str = routes.CHAT
    error: str = ""
    rules: list[dict[str, str | bool]] = [
        {"key": key, "label": label, "ok": False} for key, label, _ in accounts.password_checklist("")
    ]
    password_ok: bool = False

    @rx.event
    def load(self):
        query = self.router.url.query_parameters
        self.name = query.get("name", "")[: limits.DISPLAY_NAME.max_len]
        self.email = query.get("email", "")[: limits.EMAIL_MAX_LEN]
        self.next_path = accounts.safe_next(query.get("next"))
        code, field = query.get("error", ""), query.get("field", "")
        if code == "rate_limited":
            self.error = _wait_text(query.get("retry_after", ""))
        elif code:
            self.error = SIGNUP_FIELD_ERRORS.get(field, LOGIN_ERRORS["server"])
        else:
            self.error = ""

    @rx.event
    def check_password(self, value: str):
        """Only the rule results are kept; the password itself is never stored in state."""
        checklist = accounts.password_checklist(value)
        self.rules = [{"key": key, "label": label, "ok": ok} for key, label, ok in checklist]
        self.password_ok = all(ok for _, _, ok in checklist)
