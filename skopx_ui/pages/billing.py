"""The billing page: owners manage the subscription, admins read it, other roles are refused."""

from __future__ import annotations

import reflex as rx

from backend import routes
from backend.billing import get_plans
from components.billing_cards import notice_callout, page_heading, seats_field, stat, status_badge
from state.billing import BillingState as S


def _not_configured() -> rx.Component:
    return rx.callout(
        "Billing is not configured on this server (no Stripe key is set), so every organization has full "
        "access and there is nothing to pay.",
        icon="info",
        color_scheme="gray",
        width="100%",
        data_testid="billing-not-configured",
    )


def _refused() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("lock", size=28, color=rx.color("gray", 10)),
            rx.heading("Billing is managed by owners and admins", size="4"),
            rx.text(
                "Your role in this organization doesn't include billing. Ask one of its owners if something "
                "about the subscription needs to change.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.link("Back to chat", href=routes.CHAT, size="2"),
            spacing="3",
            align="start",
        ),
        size="3",
        max_width="560px",
        data_testid="billing-refused",
    )


def _grace_callout() -> rx.Component:
    return rx.cond(
        S.payment_failed,
        rx.callout(
            rx.cond(
                S.restricted,
                "The last payment failed and the grace period is over: members can't use Skopx until the "
                "payment details are updated.",
                rx.cond(
                    S.days_left == 1,
                    "The last payment failed. 1 day left to update the payment details before access is "
                    "restricted.",
                    f"The last payment failed. {S.days_left} days left to update the payment details before "
                    "access is restricted.",
                ),
            ),
            icon="triangle-alert",
            color_scheme="amber",
            width="100%",
        ),
        rx.fragment(),
    )


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text("Current plan", size="2", color=rx.color("gray", 10)),
                    rx.heading(rx.cond(S.plan_name != "", S.plan_name, "No plan yet"), size="6"),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                rx.box(status_badge(S.status_label, S.status_tone), data_testid="billing-status"),
                width="100%",
                align="center",
            ),
            rx.separator(size="4"),
            rx.hstack(
                stat("Seats", rx.text(S.seats, size="4", weight="bold", data_testid="billing-seats")),
                stat(
                    S.period_label,
                    rx.cond(S.period_end != "", S.period_end, "—"),
                ),
                stat("Payment method", rx.cond(S.has_customer, "On file with Stripe", "None yet")),
                spacing="7",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _owner_actions() -> rx.Component:
    plans = get_plans()
    return rx.cond(
        S.can_manage,
        rx.vstack(
            rx.cond(
                S.has_customer,
                rx.button(
                    rx.icon("credit-card", size=16),
                    "Manage payment details",
                    on_click=S.manage_payment,
                    loading=S.busy == "portal",
                    size="3",
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.has_live_subscription,
                rx.text(
                    "To change plan or seats, or to cancel, use Manage payment details (Stripe's customer portal).",
                    size="2",
                    color=rx.color("gray", 10),
                ),
                rx.vstack(
                    rx.heading("Choose a plan", size="4"),
                    seats_field(S.seats_input, S.set_seats),
                    rx.hstack(
                        *(
                            rx.button(
                                f"Subscribe to {plan.name} · {plan.monthly_price_display}/seat",
                                on_click=S.subscribe(plan.stripe_price_id),
                                loading=S.busy == plan.stripe_price_id,
                                variant="solid" if plan.key == "team" else "outline",
                                size="3",
                            )
                            for plan in plans
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    rx.link("Compare plans", href=routes.PRICING, size="2"),
                    spacing="3",
                    align="start",
                ),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        rx.callout(
            "You can see billing as an admin. Only the organization's owners can change the plan or the "
            "payment details.",
            icon="eye",
            color_scheme="gray",
            width="100%",
            data_testid="billing-read-only",
        ),
    )


def content() -> rx.Component:
    return rx.vstack(
        page_heading("Billing", "Your organization's subscription, seats and payment details."),
        notice_callout(S.notice, S.notice_kind),
        rx.cond(
            ~S.loaded,
            rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            rx.cond(
                ~S.allowed,
                _refused(),
                rx.cond(
                    S.configured,
                    rx.vstack(_grace_callout(), _summary(), _owner_actions(), spacing="5", width="100%"),
                    _not_configured(),
                ),
            ),
        ),
        rx.hstack(
            rx.icon("lock", size=14, color=rx.color("gray", 9)),
            rx.text(
                "Card details are entered on Stripe's hosted pages; Skopx stores no card data.",
                size="1",
                color=rx.color("gray", 9),
            ),
            spacing="2",
            align="center",
        ),
        spacing="5",
        align="start",
        width="100%",
        max_width="820px",
    )
