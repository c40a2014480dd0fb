"""Organization settings: rename (admin+), delete (owner, typed name), create another organization."""

from __future__ import annotations

import reflex as rx

from backend import routes
from backend.errors import AppError
from backend.services import organizations
from state.base import AppState
from state.confirm import TypedConfirmation
from state.handlers import guarded, handles_errors


class OrganizationState(TypedConfirmation, AppState):
    org_name: str = ""
    org_slug: str = ""
    org_created: str = ""
    member_count: int = 0
    loaded: bool = False
    rename_error: str = ""
    renaming: bool = False
    create_error: str = ""
    creating: bool = False

    @rx.var
    def delete_matches(self) -> bool:
        return bool(self.org_name) and self.delete_typed.strip() == self.org_name

    @rx.event
    @guarded
    async def load(self):
        self.loaded = False
        self.rename_error = self.create_error = ""
        yield
        await self._reload()

    async def _reload(self) -> None:
        view = await organizations.get_organization(ctx=await self._context())
        self.org_name = view.name
        self.org_slug = view.slug
        self.org_created = view.created_at.strftime("%B %-d, %Y")
        self.member_count = view.member_count
        self.loaded = True

    @rx.event
    @handles_errors(fields={"name": "rename_error"})
    async def rename(self, form: dict):
        self.renaming = True
        self.rename_error = ""
        yield
        try:
            name = await organizations.rename_organization(
                ctx=await self._context(), name=str(form.get("name", ""))
            )
            self.org_name = name
            self.orgs = [{**o, "name": name} if o["id"] == self.current_org_id else o for o in self.orgs]
            self._toast(f"The organization is now called {name}.", "success")
        finally:
            self.renaming = False

    def _close_unless_mistyped(self, error: Exception) -> None:
        if not (isinstance(error, AppError) and error.field == "confirm_name"):
            self.delete_open = False

    @rx.event
    @handles_errors(fields={"confirm_name": "delete_error"}, on_failure="_close_unless_mistyped")
    async def delete(self):
        self.deleting = True
        yield
        try:
            name = await organizations.delete_organization(
                ctx=await self._context(), confirm_name=self.delete_typed
            )
            self.delete_open = False
            self.current_org_id = ""
            await self._load_identity()
            self.preferred_org = self.current_org_id
            message = f"{name} and everything in it was deleted."
            if self.current_org_id:
                self._toast(f"{message} You are now in {self.current_org_name}.", "success")
                yield rx.redirect(routes.ORGANIZATION)
            else:
                yield rx.redirect(routes.CHAT)
                self._toast(message, "success")
        finally:
            self.deleting = False

    @rx.event
    @handles_errors(fields={"name": "create_error"})
    async def create(self, form: dict):
        self.creating = True
        self.create_error = ""
        yield
        try:
            ctx = await self._context()
            org_id = await organizations.create_organization(
                user_id=ctx.user_id, name=str(form.get("name", ""))
            )
            self.current_org_id = org_id
            self.preferred_org = org_id
            await self._load_identity()
            await self._reload()
            yield rx.set_value("new_org_name", "")
            self._toast(f"{self.org_name} was created. You are its owner; invite your team next.", "success")
            yield rx.redirect(routes.MEMBERS)
        finally:
            self.creating = False
