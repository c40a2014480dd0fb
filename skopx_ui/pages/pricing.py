"""The public pricing page: the configured plans, each with one clear call to action.

Signed out: start with a plan (sign up, then come back here). Owners: hosted Stripe Checkout.
Other roles: a note that an owner subscribes. Plans come from `SKOPX_PLANS` (or the defaults).
"""

from __future__ import annotations

import reflex as rx

from backend import routes
from backend.billing import Plan, get_plans
from components.billing_cards import notice_callout, plan_card, seats_field
from components.public_layout import public_page
from state.billing import PricingState

FEATURED = "team"


def _cta(plan: Plan) -> rx.Component:
    state = PricingState
    is_current = (state.plan_key == plan.key) & state.has_live_subscription
    owner_action = rx.cond(
        is_current,
        rx.button("Your current plan", disabled=True, variant="soft", width="100%", size="3"),
        rx.button(
            rx.cond(state.has_live_subscription, f"Switch to {plan.name}", f"Subscribe to {plan.name}"),
            on_click=rx.cond(
                state.has_live_subscription, state.manage_payment, state.subscribe(plan.stripe_price_id)
            ),
            loading=state.busy == plan.stripe_price_id,
            disabled=~state.configured,
            width="100%",
            size="3",
            variant="solid" if plan.key == FEATURED else "outline",
        ),
    )
    return rx.cond(
        ~state.checked,
        rx.button("Loading…", disabled=True, variant="soft", width="100%", size="3"),
        rx.cond(
            state.signed_in,
            rx.cond(
                state.is_owner,
                owner_action,
                rx.button(
                    "An owner of your organization subscribes",
                    disabled=True,
                    variant="soft",
                    width="100%",
                    size="3",
                ),
            ),
            rx.link(
                rx.button(
                    f"Start with {plan.name}",
                    width="100%",
                    size="3",
                    variant="solid" if plan.key == FEATURED else "outline",
                ),
                href=routes.signup_with_next(routes.PRICING),
                width="100%",
            ),
        ),
    )


def _owner_tools() -> rx.Component:
    state = PricingState
    return rx.cond(
        state.signed_in & state.is_owner,
        rx.vstack(
            rx.text(
                "Choosing a plan for ",
                rx.text.strong(state.current_org_name),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                state.configured,
                rx.cond(
                    state.has_live_subscription,
                    rx.text(
                        "Plan changes and payment details are handled in Stripe's customer portal.",
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                    seats_field(state.seats_input, state.set_seats),
                ),
                rx.callout(
                    "Billing is not configured on this server, so every organization has full access.",
                    icon="info",
                    width="100%",
                ),
            ),
            spacing="2",
            align="center",
        ),
        rx.fragment(),
    )


def page() -> rx.Component:
    plans = get_plans()
    return public_page(
        rx.vstack(
            rx.vstack(
                rx.badge("Pricing", variant="soft", radius="full"),
                rx.heading("Simple per-seat pricing", size="8", text_align="center"),
                rx.text(
                    "Pick a plan for your organization. Pay monthly, change or cancel any time.",
                    size="4",
                    color=rx.color("gray", 11),
                    text_align="center",
                ),
                align="center",
                spacing="3",
            ),
            _owner_tools(),
            rx.box(
                notice_callout(PricingState.notice, PricingState.notice_kind), width="100%", max_width="640px"
            ),
            rx.grid(
                *(
                    plan_card(
                        key=plan.key,
                        name=plan.name,
                        price=plan.monthly_price_display,
                        features=plan.features,
                        action=_cta(plan),
                        featured=plan.key == FEATURED,
                        current=(PricingState.plan_key == plan.key) & PricingState.has_live_subscription,
                    )
                    for plan in plans
                ),
                columns=rx.breakpoints(initial="1", md=str(min(3, len(plans)))),
                spacing="5",
                width="100%",
                align_items="stretch",
            ),
            rx.hstack(
                rx.icon("lock", size=16, color=rx.color("gray", 10)),
                rx.text(
                    "Payments are processed by Stripe on its hosted pages. Skopx never sees or stores card details.",
                    size="2",
                    color=rx.color("gray", 10),
                ),
                spacing="2",
                align="center",
            ),
            spacing="6",
            padding_y="56px",
            align="center",
            width="100%",
        )
    )
