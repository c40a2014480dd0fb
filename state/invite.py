"""Accepting an invitation link: /invite/<token>.

Signed out: explain and offer sign-in / sign-up that come back here (`next`). Signed in: one explicit
click accepts (a link that joined on GET could be triggered by any page embedding it).
"""

from __future__ import annotations

import re

import reflex as rx

from backend import limits, routes
from backend.errors import AppError, Forbidden, Unauthenticated
from backend.services import invitations, members
from state.base import AppState
from state.handlers import handles_errors

TOKEN_SHAPE = re.compile(rf"^[A-Za-z0-9_-]{{16,{limits.INVITATION_TOKEN_MAX_LEN}}}$")


class InviteState(AppState):
    phase: str = "checking"  # checking | signed_out | ready | accepting | error
    error: str = ""
    wrong_email: bool = False
    invite_path: str = ""
    _invite_token: str = ""

    @rx.var
    def login_href(self) -> str:
        return routes.login_with_next(self.invite_path or routes.CHAT)

    @rx.var
    def signup_href(self) -> str:
        return routes.signup_with_next(self.invite_path or routes.CHAT)

    def _unchecked(self, _error: Exception) -> None:
        self.phase, self.error = "error", "We couldn't check your session. Reload the page to try again."

    @rx.event
    @handles_errors(on_failure="_unchecked")
    async def load(self):
        self.phase, self.error, self.wrong_email = "checking", "", False
        raw = self.token  # the [token] segment of routes.INVITE_PATTERN
        self._invite_token = raw if TOKEN_SHAPE.match(raw) else ""
        self.invite_path = routes.invite(self._invite_token) if self._invite_token else ""
        if not self._invite_token:
            self.phase, self.error = "error", invitations.INVALID_LINK
            return
        try:
            await self._load_identity()
        except Unauthenticated:
            self.authenticated = False
            self._user_id = ""
            self.phase = "signed_out"
            return
        self.phase = "ready"

    def _still_ready(self, _error: Exception) -> None:
        self.phase = "ready"

    @rx.event
    @handles_errors(on_failure="_still_ready")
    async def accept(self):
        if self.phase != "ready":
            return
        self.phase = "accepting"
        yield
        try:
            await self._load_identity()  # re-verify the session right before acting
            joined = await invitations.accept_invitation(user_id=self._user_id, token=self._invite_token)
            self.current_org_id = joined.org_id
            self.preferred_org = joined.org_id
            await self._load_identity()
            self._toast(
                f"Welcome to {joined.org_name}! You joined as {members.role_phrase(self.role)}.", "success"
            )
            yield rx.redirect(routes.MEMBERS)
        except Unauthenticated:
            self.phase = "signed_out"
        except AppError as error:
            self.phase, self.error = "error", error.detail
            self.wrong_email = isinstance(error, Forbidden)
