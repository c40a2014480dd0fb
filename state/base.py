"""AppState: who is signed in, in which organization, and the one place errors become toasts.

Identity lives in backend-only vars (underscore prefix, never sent to the browser). The loader of
every protected page is wrapped in `guarded`, so the session and the subscription are checked before
it runs and it doesn't run at all when they refuse; every handler calls `_context()`, which re-reads
the session and membership from the database and refuses an organization that may not work.
"""

from __future__ import annotations

import functools
import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

import reflex as rx

from backend.errors import AppError, Unauthenticated
from backend.services import billing_access, sessions
from backend.services.context import RequestContext
from state import routes

log = logging.getLogger("skopx.state")


class AppState(rx.State):
    # Pages that must stay usable while an organization's subscription is inactive set this.
    billing_exempt: ClassVar[bool] = False
    _session_fingerprint: str = ""  # whose state this is (state/session_binding.py)
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

    async def _admit(self) -> tuple[bool, Any]:
        """The guard of every protected page: (admitted, what to send instead of the page's data)."""
        has_cookie = sessions.session_token_from_cookie_header(self.router.headers.cookie) is not None
        try:
            await self._load_identity()
            access = await billing_access.access_for(
                org_id=self.current_org_id, role=self.role, path=self.router.url.path
            )
        except Unauthenticated:
            return False, self._sign_in_redirect("expired" if has_cookie else "required")
        except Exception as error:  # noqa: BLE001
            return False, self._unexpected(error)
        self.billing_banner = access.banner
        if access.redirect_to and access.redirect_to.rstrip("/") != self.router.url.path.rstrip("/"):
            return False, rx.redirect(access.redirect_to)
        return True, None

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
        """Fresh identity and role for a handler (raises AppError subclasses, BillingRequired included)."""
        return await sessions.current_context(
            self.router.headers.cookie, self.current_org_id, billing_exempt=self.billing_exempt
        )

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


def guarded(loader: Callable[..., Any]) -> Callable[..., Any]:
    """A protected page's on_load: the guard first; the loader runs only when the guard admits.

    One event instead of a chain, so a refused guard (sign-in or billing redirect) is the whole answer.
    Works for loaders that return and for loaders that yield."""
    if inspect.isasyncgenfunction(loader):

        @functools.wraps(loader)
        async def admitted_then_stream(self: AppState, *args: Any) -> AsyncIterator[Any]:
            admitted, refusal = await self._admit()
            if not admitted:
                yield refusal
                return
            async for update in loader(self, *args):
                yield update

        return admitted_then_stream

    @functools.wraps(loader)
    async def admitted_then_load(self: AppState, *args: Any) -> Any:
        admitted, refusal = await self._admit()
        if not admitted:
            return refusal
        return await loader(self, *args)

    return admitted_then_load
