"""Every page of the app: its route, what renders it, its title and loader, and the shell around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventType

from backend import routes
from skopx_ui.pages import (
    account,
    api_keys,
    api_reference,
    api_tokens,
    billing,
    billing_inactive,
    chat,
    conversation,
    invite,
    landing,
    login,
    members,
    organization,
    pricing,
    project_detail,
    projects,
    security,
    signup,
)
from skopx_ui.pages.shell import protected
from state.account import AccountState
from state.api_keys import ApiKeysState
from state.api_tokens import ApiTokensState
from state.auth_pages import LoginState, SignupState
from state.billing import BillingState, InactiveState, PricingState
from state.chat import ChatState
from state.chat_stream import ChatTurnState
from state.invite import InviteState
from state.members import MembersState
from state.organization import OrganizationState
from state.projects import ProjectDetailState, ProjectsState


@dataclass(frozen=True)
class Page:
    route: str
    render: Callable[[], rx.Component]
    title: str
    on_load: EventType[()] | None = None
    # The app shell's highlighted section for a signed-in page; None for a public page (no shell).
    shell: str | None = None

    def component(self) -> Callable[[], rx.Component]:
        if self.shell is None:
            return self.render
        page = protected(self.render, active=self.shell)
        # Reflex names a page after its function, and every shelled page is the same inner function
        # of `protected`: name it after the module that renders its content.
        page.__name__ = f"{self.render.__module__.rsplit('.', 1)[-1]}_page"
        return page


PAGES = (
    Page(routes.HOME, landing.page, "Skopx — the secure AI workspace"),
    Page(routes.SECURITY, security.page, "Security — Skopx"),
    Page(routes.LOGIN, login.page, "Sign in — Skopx", LoginState.load),
    Page(routes.SIGNUP, signup.page, "Create your account — Skopx", SignupState.load),
    Page(routes.ACCOUNT, account.content, "Account settings — Skopx", AccountState.load, "settings"),
    Page(
        routes.ORGANIZATION,
        organization.content,
        "Organization settings — Skopx",
        OrganizationState.load,
        "settings",
    ),
    Page(routes.MEMBERS, members.content, "Members — Skopx", MembersState.load, "settings"),
    Page(routes.INVITE_PATTERN, invite.page, "Join an organization — Skopx", InviteState.load),
    Page(routes.API_KEYS, api_keys.content, "API keys — Skopx", ApiKeysState.load, "settings"),
    Page(routes.API_TOKENS, api_tokens.content, "API tokens — Skopx", ApiTokensState.load, "settings"),
    Page(routes.API_REFERENCE, api_reference.page, "API reference — Skopx"),
    Page(routes.CHAT, chat.content, "Chat — Skopx", ChatState.load_index, "chat"),
    Page(
        routes.CONVERSATION_PATTERN,
        conversation.content,
        "Conversation — Skopx",
        ChatTurnState.load_conversation,
        "chat",
    ),
    Page(routes.PROJECTS, projects.content, "Projects — Skopx", ProjectsState.load, "projects"),
    Page(
        routes.PROJECT_PATTERN,
        project_detail.content,
        "Project — Skopx",
        ProjectDetailState.load,
        "projects",
    ),
    Page(routes.PRICING, pricing.page, "Pricing — Skopx", PricingState.load_pricing),
    Page(routes.BILLING, billing.content, "Billing — Skopx", BillingState.load, "billing"),
    Page(
        routes.BILLING_INACTIVE,
        billing_inactive.content,
        "Subscription inactive — Skopx",
        InactiveState.load_inactive,
        "inactive",
    ),
)


def register_pages(app: rx.App) -> None:
    for page in PAGES:
        app.add_page(page.component(), route=page.route, title=page.title, on_load=page.on_load)
