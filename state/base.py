"""AppState: who is signed in, in which organization, and the one place errors become toasts.

Identity lives in backend-only vars (underscore prefix, never sent to the browser). Every
protected page calls `guard` on load; every mutating handler calls `_context()`, which
re-reads the session and membership from the database.
"""

from __future__ import annotations

import logging
import uuid

import reflex as rx

from backend.errors import AppError, Unauthenticated
from backend.services import billing_access, sessions
from backend.services.context import RequestContext
from state import routes

log = logging.getLogger("skopx.state")


class AppState(rx.State):
    _user_id: str = ""
    user_name: str = ""
    user_email: str = ""
    orgs: list[dict[str, str]] = []
    current_org_id: str = ""
    role: str = ""
    authenticated: bool = False
    billing_banner: str = ""
    toast_text: str = ""
    toast_kind: str = "info"
    toast_seq: int = 0
    preferred_org: str = rx.Cookie("", name="skopx_org", same_site="lax", path="/", max_age=365 * 24 * 3600)

    @rx.var
    def current_org_name(self) -> str:
        return next((o["name"] for o in self.orgs if o["id"] == self.current_org_id), "")

    @rx.var
    def is_admin(self) -> bool:
        return self.role in ("admin", "owner")

    @rx.var
    def is_owner(self) -> bool:
        return self.role == "owner"

    @rx.var
    def can_write(self) -> bool:
        return self.role in ("member", "admin", "owner")

    def _sign_in_redirect(self, reason: str):
        self.authenticated = False
        self._user_id = ""
        target = self.router.url.path or routes.CHAT
        return rx.redirect(f"{routes.login_with_next(target)}&notice={reason}")

    async def _load_identity(self) -> bool:
        user = await sessions.resolve_session(self.router.headers.cookie)
        membership = user.membership(self.current_org_id or self.preferred_org)
        self._user_id = user.user_id
        self.user_name = user.display_name
        self.user_email = user.email
        self.orgs = [{"id": m.org_id, "name": m.name, "role": m.role.value} for m in user.memberships]
        self.current_org_id = membership.org_id if membership else ""
        self.role = membership.role.value if membership else ""
        self.authenticated = True
        return membership is not None

    @rx.event
    async def guard(self):
        """on_load of every protected page: verify the session against the database."""
        has_cookie = sessions.session_token_from_cookie_header(self.router.headers.cookie) is not None
        try:
            await self._load_identity()
            access = await billing_access.access_for(
                org_id=self.current_org_id, role=self.role, path=self.router.url.path
            )
        except Unauthenticated:
            return self._sign_in_redirect("expired" if has_cookie else "required")
        except Exception as error:  # noqa: BLE001
            return self._unexpected(error)
        self.billing_banner = access.banner
        if access.redirect_to and access.redirect_to.rstrip("/") != self.router.url.path.rstrip("/"):
            return rx.redirect(access.redirect_to)
        return None

    def _toast(self, text: str, kind: str = "error") -> None:
        """Show a toast (rendered from state: server-sent toasts would need eval, which the CSP forbids)."""
        self.toast_text = text
        self.toast_kind = kind
        self.toast_seq += 1

    @rx.event
    def dismiss_toast(self):
        self.toast_text = ""

    @rx.event
    async def switch_org(self, org_id: str):
        if not any(o["id"] == org_id for o in self.orgs):
            self._toast("You are not a member of that organization.")
            return None
        self.current_org_id = org_id
        self.preferred_org = org_id
        try:
            await self._load_identity()
        except Unauthenticated:
            return self._sign_in_redirect("expired")
        return rx.redirect(self.router.url.path or routes.CHAT)

    async def _context(self) -> RequestContext:
        """Fresh identity and role for a mutating handler (raises AppError subclasses)."""
        return await sessions.current_context(self.router.headers.cookie, self.current_org_id)

    def _fail(self, error: Exception):
        """Map any error from a handler to what the user should see."""
        if isinstance(error, Unauthenticated):
            return self._sign_in_redirect("expired")
        if isinstance(error, AppError):
            self._toast(error.detail)
            return None
        return self._unexpected(error)

    def _unexpected(self, error: Exception):
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error %s in %s", incident, type(self).__name__, exc_info=error)
        self._toast(f"Something went wrong on our side (reference {incident}). Please try again.")
