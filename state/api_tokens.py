"""Settings → API tokens: create (shown once), list with last use, revoke.

A new token's secret is put in `new_secret` for the one dialog that shows it, and cleared when the
dialog closes; it is never stored anywhere else on the server or sent again. Tokens are the user's
own, in any of their organizations, so the page works while an organization's billing is paused
(the token itself is refused there until billing is fixed).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, ClassVar

import reflex as rx

from backend.limits import API_TOKEN_DEFAULT_DAYS, API_TOKEN_LIFETIMES_DAYS
from backend.services import access_tokens, sessions
from state.api_keys import format_when
from state.base import AppState
from state.handlers import guarded, handles_errors

NAME_INPUT_ID = "token-name"


@dataclasses.dataclass
class TokenRow:
    id: str = ""
    name: str = ""
    organization: str = ""
    ceiling: str = ""
    shown: str = ""
    created: str = ""
    expires: str = ""
    last_used: str = ""
    status: str = ""
    status_label: str = ""
    active: bool = False


def _row(token: access_tokens.TokenView, now: datetime) -> TokenRow:
    return TokenRow(
        id=token.id,
        name=token.name,
        organization=token.organization_name,
        ceiling=token.role_ceiling,
        shown=token.shown,
        created=format_when(token.created_at),
        expires=format_when(token.expires_at),
        last_used=format_when(token.last_used_at) if token.last_used_at else "Never",
        status=token.status(now),
        status_label=token.status_label(now),
        active=token.usable(now),
    )


class ApiTokensState(AppState):
    billing_exempt: ClassVar[bool] = True
    error_place: ClassVar[str] = "form_error"
    loaded: bool = False
    tokens: list[TokenRow] = []
    form_org_id: str = ""
    form_ceiling: str = "viewer"
    form_days: str = str(API_TOKEN_DEFAULT_DAYS)
    lifetimes: list[str] = [str(days) for days in API_TOKEN_LIFETIMES_DAYS]
    name_error: str = ""
    form_error: str = ""
    creating: bool = False
    new_secret: str = ""
    new_name: str = ""
    revoke_id: str = ""
    revoke_name: str = ""
    revoking: bool = False
    notice: str = ""

    @rx.var
    def ceiling_options(self) -> list[str]:
        role = next((o["role"] for o in self.orgs if o["id"] == self.form_org_id), "")
        return access_tokens.ceilings_for(role)

    @rx.var
    def active_count(self) -> int:
        return sum(1 for t in self.tokens if t.active)

    async def _reload(self) -> None:
        now = datetime.now(UTC)
        self.tokens = [_row(t, now) for t in await access_tokens.list_tokens(user_id=self._user_id)]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        self.name_error = self.form_error = self.notice = ""
        self.form_org_id = self.form_org_id if any(o["id"] == self.form_org_id for o in self.orgs) else ""
        self.form_org_id = self.form_org_id or self.current_org_id
        self._fit_ceiling()
        await self._reload()

    def _fit_ceiling(self) -> None:
        options = self.ceiling_options
        if self.form_ceiling not in options:
            self.form_ceiling = options[-1] if options else ""

    @rx.event
    def set_form_org(self, org_id: str):
        self.form_org_id = org_id
        self._fit_ceiling()

    @rx.event
    def set_form_ceiling(self, ceiling: str):
        self.form_ceiling = ceiling

    @rx.event
    def set_form_days(self, days: str):
        self.form_days = days

    def _not_creating(self, error: Exception):
        self.creating = False
        if getattr(error, "field", None) == "name":
            return rx.set_focus(NAME_INPUT_ID)
        return None

    @rx.event
    @handles_errors(fields={"name": "name_error"}, on_failure="_not_creating")
    async def create(self, form_data: dict[str, Any]):
        if self.creating:
            return
        self.creating = True
        self.name_error = self.form_error = self.notice = ""
        yield
        ctx = await sessions.current_context(
            self.router.headers.cookie, self.form_org_id, billing_exempt=True
        )
        created = await access_tokens.create_token(
            ctx=ctx,
            name=str(form_data.get("name") or ""),
            role_ceiling=self.form_ceiling,
            expires_in_days=self.form_days,
        )
        self._user_id = ctx.user_id
        await self._reload()
        self.creating = False
        self.new_secret, self.new_name = created.secret, created.token.name
        yield rx.set_value(NAME_INPUT_ID, "")

    @rx.event
    def close_secret(self, _open: bool = False):
        self.new_secret = self.new_name = ""

    @rx.event
    def ask_revoke(self, token_id: str):
        chosen = next((t for t in self.tokens if t.id == token_id), None)
        self.revoke_id, self.revoke_name = (chosen.id, chosen.name) if chosen else ("", "")

    @rx.event
    def set_revoke_open(self, value: bool):
        if not value:
            self.revoke_id = self.revoke_name = ""

    async def _after_revoke_failed(self, _error: Exception) -> None:
        self.revoking = False
        self.revoke_id = self.revoke_name = ""
        await self._reload()

    @rx.event
    @handles_errors(on_failure="_after_revoke_failed")
    async def revoke(self):
        if self.revoking or not self.revoke_id:
            return
        self.revoking = True
        yield
        user = await sessions.resolve_session(self.router.headers.cookie)
        name = await access_tokens.revoke_token(user_id=user.user_id, token_id=self.revoke_id)
        self._user_id = user.user_id
        await self._reload()
        self.revoking = False
        self.revoke_id = self.revoke_name = ""
        self.notice = f"“{name}” was revoked. Requests with it are refused from now on."
