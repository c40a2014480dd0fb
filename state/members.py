"""Members page: the member list, role changes, removal, leaving, ownership transfer, invitations.

Every mutating handler starts from a fresh RequestContext (`_context()`); the flags that hide or
disable controls are only a convenience, the services and the database policies decide.
"""

from __future__ import annotations

import dataclasses
from contextlib import suppress

import reflex as rx

from backend import routes
from backend.errors import AppError
from backend.services import invitations, members
from state.base import AppState
from state.handlers import guarded, handles_errors


@dataclasses.dataclass
class MemberRow:
    user_id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    initials: str = ""
    joined: str = ""
    is_you: bool = False
    manageable: bool = False
    can_transfer: bool = False


@dataclasses.dataclass
class InvitationRow:
    id: str = ""
    email: str = ""
    role: str = ""
    invited_by: str = ""
    expires: str = ""
    expired: bool = False
    withdrawn: bool = False
    revocable: bool = False


def _initials(name: str) -> str:
    return "".join(part[:1] for part in name.split()[:2]).upper() or "?"


class MembersState(AppState):
    members: list[MemberRow] = []
    invitations: list[InvitationRow] = []
    loaded: bool = False
    invite_role: str = "member"
    invite_error: str = ""
    inviting: bool = False
    invite_link: str = ""
    invite_link_email: str = ""
    confirm_open: bool = False
    confirm_action: str = ""
    confirm_title: str = ""
    confirm_body: str = ""
    confirm_label: str = ""
    busy: bool = False
    _confirm_target: str = ""

    assignable_roles: list[str] = []

    @rx.event
    @guarded
    async def load(self):
        self.loaded = False
        self.invite_link = ""
        yield
        await self._refresh()

    async def _refresh(self) -> None:
        ctx = await self._context()
        self._set_role(ctx.role.value)
        self.assignable_roles = members.assignable_roles(ctx.role)
        rows = await members.list_members(ctx=ctx)
        self.members = [
            MemberRow(
                user_id=m.user_id,
                name=m.name,
                email=m.email,
                role=m.role.value,
                initials=_initials(m.name),
                joined=m.joined_at.strftime("%b %-d, %Y"),
                is_you=m.is_you,
                manageable=m.manageable,
                can_transfer=m.can_transfer,
            )
            for m in rows
        ]
        pending = await invitations.list_pending(ctx=ctx)
        self.invitations = [
            InvitationRow(
                id=i.id,
                email=i.email,
                role=i.role.value,
                invited_by=i.invited_by,
                expires=i.expires_at.strftime("%b %-d, %Y"),
                expired=i.expired,
                withdrawn=i.withdrawn,
                revocable=i.revocable,
            )
            for i in pending
        ]
        if self.invite_role not in self.assignable_roles:
            self.invite_role = "member"
        self.loaded = True

    async def _refresh_after(self, _error: Exception) -> None:
        """After a refused change, show the list as it now is; the refusal is the error to report."""
        self.confirm_open = False
        try:
            with suppress(AppError):
                await self._refresh()
        finally:
            self.loaded = True

    def _name_of(self, user_id: str) -> str:
        return next((m.name for m in self.members if m.user_id == user_id), "this member")

    @rx.event
    @handles_errors(on_failure="_refresh_after")
    async def change_role(self, user_id: str, role: str):
        ctx = await self._context()
        new_role = await members.change_role(ctx=ctx, user_id=user_id, role=role)
        await self._refresh()
        self._toast(f"{self._name_of(user_id)} is now {members.role_phrase(new_role)}.", "success")

    @rx.event
    def link_copied(self):
        self._toast("Link copied. Paste it into a message to the person you invited.", "success")

    @rx.event
    def set_invite_role(self, role: str):
        self.invite_role = role if role in members.ALL_ROLES else "member"

    @rx.event
    @handles_errors(fields={"email": "invite_error"})
    async def invite(self, form: dict):
        self.inviting = True
        self.invite_error = ""
        self.invite_link = ""
        yield
        try:
            ctx = await self._context()
            created = await invitations.create_invitation(
                ctx=ctx, email=str(form.get("email", "")), role=self.invite_role
            )
            self.invite_link = created.link
            self.invite_link_email = created.email
            await self._refresh()
            yield rx.set_value("invite_email", "")
            self._toast(
                f"Invitation created for {created.email}. Copy the link and send it to them.", "success"
            )
        finally:
            self.inviting = False

    @rx.event
    def ask(self, action: str, target: str):
        """Open the confirmation dialog for remove / transfer / leave / revoke."""
        name = self._name_of(target)
        org = self.current_org_name
        email = next((i.email for i in self.invitations if i.id == target), "this person")
        texts = {
            "remove": (
                f"Remove {name}?",
                f"{name} will lose access to {org} and everything in it right away. "
                "You can invite them again later.",
                "Remove member",
            ),
            "transfer": (
                f"Make {name} the owner?",
                f"{name} becomes an owner of {org} and you become an admin. "
                "Only an owner can give ownership back to you.",
                "Transfer ownership",
            ),
            "leave": (
                f"Leave {org}?",
                f"You will lose access to {org} right away. To come back, someone will have to invite you again.",
                "Leave organization",
            ),
            "revoke": (
                f"Revoke the invitation for {email}?",
                "The link stops working immediately. You can create a new invitation afterwards.",
                "Revoke invitation",
            ),
        }
        if action not in texts:
            return
        self.confirm_title, self.confirm_body, self.confirm_label = texts[action]
        self.confirm_action = action
        self._confirm_target = target
        self.confirm_open = True

    @rx.event
    def set_confirm_open(self, value: bool):
        if not self.busy:
            self.confirm_open = value

    @rx.event
    @handles_errors(on_failure="_refresh_after")
    async def confirm(self):
        action, target = self.confirm_action, self._confirm_target
        name = self._name_of(target)
        self.busy = True
        yield
        try:
            ctx = await self._context()
            if action == "remove":
                await members.remove_member(ctx=ctx, user_id=target)
                message = f"{name} was removed from {self.current_org_name}."
            elif action == "transfer":
                await members.transfer_ownership(ctx=ctx, user_id=target)
                message = f"{name} is now an owner of {self.current_org_name}; you are an admin."
            elif action == "revoke":
                email = await invitations.revoke_invitation(ctx=ctx, invitation_id=target)
                message = f"The invitation for {email} was revoked."
            elif action == "leave":
                org = self.current_org_name
                await members.leave_organization(ctx=ctx)
                self.confirm_open = False
                self.current_org_id = ""
                await self._load_identity()
                self.preferred_org = self.current_org_id
                self._toast(f"You left {org}. You are now in {self.current_org_name}.", "success")
                yield rx.redirect(routes.MEMBERS)
                return
            else:
                return
            self.confirm_open = False
            await self._refresh()
            self._toast(message, "success")
        finally:
            self.busy = False
