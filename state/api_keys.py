"""BYOK settings: the masked key, which key chat uses, save and delete.

The typed key arrives only as the submit event's form data and lives in a local variable of
`save` for the duration of the call: it is never assigned to a var (public or backend-only),
never logged and never echoed. The browser only ever receives the masked form.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import reflex as rx

from backend.errors import AppError
from backend.services import api_keys, sessions
from state.base import AppState
from state.handlers import guarded, handles_errors

KEY_INPUT_ID = "api_key"


def format_when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%-d %b %Y, %H:%M} UTC"


class ApiKeysState(AppState):
    error_place: ClassVar[str] = "form_error"  # failures are shown in the form, under the key field
    loaded: bool = False
    has_key: bool = False
    masked_key: str = ""
    added_at: str = ""
    replaced_at: str = ""
    # 'user' | 'server' | 'demo' | 'none': which key chat uses right now.
    chat_source: str = "none"
    fallback: str = "none"
    saving: bool = False
    deleting: bool = False
    delete_open: bool = False
    field_error: str = ""
    form_error: str = ""
    notice: str = ""
    # Bumped after a successful save: re-mounts the form, so the typed key leaves the page.
    form_key: int = 0

    def _show(self, summary: api_keys.KeySummary | None) -> None:
        fallback = api_keys.fallback_source() or "none"
        self.fallback = fallback
        self.has_key = summary is not None
        self.masked_key = summary.masked if summary else ""
        self.added_at = format_when(summary.created_at) if summary else ""
        replaced = summary is not None and summary.updated_at > summary.created_at
        self.replaced_at = format_when(summary.updated_at) if replaced else ""
        self.chat_source = "user" if summary else fallback
        self.loaded = True

    async def _acting_user_id(self) -> str:
        """Re-verify the session for this action. A key is the user's own, so no org role applies."""
        user = await sessions.resolve_session(self.router.headers.cookie)
        return user.user_id

    @rx.event
    @guarded
    async def load(self):
        """The guard has just verified the session and set `_user_id`."""
        self._clear_messages()
        self.loaded = False
        self._show(await api_keys.describe_anthropic_key(user_id=self._user_id))

    def _settle(self, error: Exception):
        """After a failed save or delete: the dialog closes, and a refused key gets the focus back."""
        self.saving = self.deleting = self.delete_open = False
        if isinstance(error, AppError) and error.field == KEY_INPUT_ID:
            return rx.set_focus(KEY_INPUT_ID)
        return None

    def _clear_messages(self) -> None:
        self.field_error = self.form_error = self.notice = ""

    @rx.event
    @handles_errors(fields={KEY_INPUT_ID: "field_error"}, on_failure="_settle")
    async def save(self, form_data: dict[str, Any]):
        if self.saving:
            return
        self.saving = True
        self._clear_messages()
        yield
        user_id = await self._acting_user_id()
        result = await api_keys.save_anthropic_key(
            user_id=user_id,
            api_key=str(form_data.get(KEY_INPUT_ID) or ""),
            verify=bool(form_data.get("verify")),
        )
        self._show(result.summary)
        self.saving = False
        self.form_key += 1
        done = "replaced" if result.replaced else "saved"
        checked = "verified with Anthropic and " if result.verified else ""
        self.notice = f"Key {checked}{done}. Chat now uses your key {result.summary.masked}."

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = value

    @rx.event
    @handles_errors(on_failure="_settle")
    async def delete_key(self):
        if self.deleting:
            return
        self.deleting = True
        self._clear_messages()
        yield
        user_id = await self._acting_user_id()
        await api_keys.delete_anthropic_key(user_id=user_id)
        self._show(None)
        self.deleting = False
        self.delete_open = False
        self.form_key += 1
        follow_up = {
            "server": "Chat now uses this workspace's server key.",
            "demo": "Chat now runs on the demo model.",
        }.get(self.fallback, "Add a key again to keep chatting.")
        self.notice = f"Your Anthropic API key was deleted. {follow_up}"
