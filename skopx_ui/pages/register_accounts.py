"""Account, organization and member pages (settings area) and the invitation landing page."""

import reflex as rx

from skopx_ui.pages import account, invite, members, organization
from skopx_ui.pages.shell import protected
from state import routes
from state.account import AccountState
from state.invite import InviteState
from state.members import MembersState
from state.organization import OrganizationState


def _settings_page(content, name: str):
    page = protected(content, active="settings")
    page.__name__ = name  # the settings pages share active="settings"; page names must differ
    return page


def register(app: rx.App) -> None:
    """Pages of the accounts area are added here."""
    app.add_page(
        _settings_page(account.content, "account_settings_page"),
        route=routes.ACCOUNT,
        title="Account settings — Skopx",
        on_load=AccountState.load,
    )
    app.add_page(
        _settings_page(organization.content, "organization_settings_page"),
        route=routes.ORGANIZATION,
        title="Organization settings — Skopx",
        on_load=OrganizationState.load,
    )
    app.add_page(
        _settings_page(members.content, "members_settings_page"),
        route=routes.MEMBERS,
        title="Members — Skopx",
        on_load=MembersState.load,
    )
    app.add_page(
        invite.page, route=routes.INVITE, title="Join an organization — Skopx", on_load=InviteState.load
    )
