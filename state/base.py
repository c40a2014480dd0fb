"""AppState: who is signed in, in which organization, and the one place errors become toasts.

Identity lives in backend-only vars (underscore prefix, never sent to the browser). The loader of
every protected page is wrapped in `guarded` (state/handlers.py), so the session and the
subscription are checked before it runs and it doesn't run at all when they refuse; every handler
calls `_context()`, which re-reads the session and membership from the database and refuses an
organization that may not work. Failures become what the user sees in `_fail`, called only by
`handles_errors`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

import reflex as rx

from backend import routes
from backend.errors import AppError, Unauthenticated
from backend.services import billing_access, request_budget, sessions
from backend.services.context import Permissions, RequestContext

log = logging.getLogger("skopx.state")


class AppState(rx.State):
    # Pages that must stay usable while an organization's subscription is inactive set this.
    billing_exempt: ClassVar[bool] = False
    # A var that shows this page's errors in place of a toast (e.g. a form's own message line).
    error_place: ClassVar[str] = ""
    _session_fingerprint: str = ""  # whose state this is (state/session_binding.py)
    _user_id: str = ""
    user_name: str = ""
    user_email: str = ""
    orgs: list[dict[str, str]] = []
    current_org_id: str = ""
    role: str = ""
    is_admin: bool = False
    is_owner: bool = False
    can_write: bool = False
    authenticated: bool = False
    billing_banner: str = ""
    toast_text: str = ""
    toast_kind: str = "info"
    toast_seq: int = 0
    preferred_org: str = rx.Cookie("", name="skopx_org", same_site="lax", path="/", max_age=365 * 24 * 3600)

    @rx.var
    def current_org_name(self) -> str:
        return next((o["name"] for o in self.orgs if o["id"] == self.current_org_id), "")

    def _set_role(self, role: str) -> None:
        permissions = Permissions.of(role)
        self.role = role
        self.is_admin, self.is_owner, self.can_write = (
            permissions.is_admin,
            permissions.is_owner,
            permissions.can_write,
        )

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
        self._set_role(membership.role.value if membership else "")
        self.authenticated = True
        return membership is not None

    async def _admit(self) -> Any:
        """The guard of every protected page: None to go on, else the redirect that replaces the page.

        Raises what `_load_identity` raises; `handles_errors` turns an ended session into sign-in."""
        await self._load_identity()
        access = await billing_access.access_for(
            org_id=self.current_org_id, role=self.role, path=self.router.url.path
        )
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
        """Below `handles_errors` in the layers, so it spends its request and maps failures itself."""
        if not any(o["id"] == org_id for o in self.orgs):
            self._toast("You are not a member of that organization.")
            return None
        try:
            await self._spend_request()
            self.current_org_id = org_id
            self.preferred_org = org_id
            await self._load_identity()
        except AppError as error:
            return self._fail(error)
        return rx.redirect(self.router.url.path or routes.CHAT)

    def _client(self) -> tuple[str, dict[str, str]]:
        """The socket peer and the headers of the websocket's upgrade request."""
        headers = dict(self.router.headers.raw_headers)
        return headers.get("asgi-scope-client", ""), headers

    async def _spend_request(self) -> None:
        """One request of the client's budget, shared with the HTTP API (raises RateLimited)."""
        peer, headers = self._client()
        await request_budget.spend(peer=peer, headers=headers)

    async def _context(self) -> RequestContext:
        """Fresh identity and role for a handler (raises AppError subclasses, BillingRequired included).

        A state tree that has no organization yet (a tab whose instance went away reconnects to another
        with a fresh tree, and acts before its page has loaded again) first loads who is signed in."""
        if not self.current_org_id:
            await self._load_identity()
        return await sessions.current_context(
            self.router.headers.cookie, self.current_org_id, billing_exempt=self.billing_exempt
        )

    def _fail(self, error: BaseException, fields: Mapping[str, str] | None = None):
        """What the user sees for a handler's failure; the only mapping of errors in state/.

        - Unauthenticated: back to sign-in (an ended session is not an error to read).
        - AppError whose `field` is in `fields`: shown under that input (`fields` maps the field to the
          var that shows it; a dict var gets `{field: detail}`).
        - Any other AppError: its sentence, in the page's error place (a toast unless the state names
          another var in `error_place`).
        - Anything else: logged with an incident id, and a sentence quoting the id.
        """
        if isinstance(error, Unauthenticated):
            signed_in = sessions.session_token_from_cookie_header(self.router.headers.cookie) is not None
            return self._sign_in_redirect("expired" if signed_in else "required")
        if isinstance(error, AppError):
            var = (fields or {}).get(error.field or "")
            if var is not None:
                current = getattr(self, var)
                setattr(self, var, {error.field: error.detail} if isinstance(current, dict) else error.detail)
                return None
            self._show_error(error.detail)
            return None
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error %s in %s", incident, type(self).__name__, exc_info=error)
        self._show_error(f"Something went wrong on our side (reference {incident}). Please try again.")
        return None

    def _show_error(self, text: str) -> None:
        if self.error_place:
            setattr(self, self.error_place, text)
        else:
            self._toast(text)
