"""The public security page: what this build does to protect data, and nothing it doesn't."""

import reflex as rx

from components.public_layout import public_page

SECTIONS = (
    (
        "database",
        "Tenant isolation in PostgreSQL",
        (
            "Every table has row-level security enabled and forced, so even the table owner is subject to it.",
            "Requests run as a dedicated database role that is not a superuser, cannot bypass row-level security, "
            "owns no tables and cannot truncate or reference them.",
            "Each unit of work sets the acting user transaction-locally; the setting disappears at commit, so a "
            "pooled connection never carries one user's identity into another's request.",
            "References between tenant tables use composite (organisation, id) keys, so an id guessed from another "
            "organisation cannot be linked to.",
        ),
    ),
    (
        "users",
        "Roles",
        (
            "Four roles per organisation: Owner, Admin, Member and Viewer, enforced by database policies and "
            "re-checked by the server on every change.",
            "Private projects are visible only to their creator and the organisation's owners and admins.",
        ),
    ),
    (
        "lock",
        "Encryption at rest",
        (
            "Secrets such as API keys and integration tokens are encrypted with AES-256-GCM, with a separate "
            "keyring per purpose and a key id in every ciphertext, so keys can be rotated without downtime.",
            "Each ciphertext is bound to its purpose, organisation and row: it cannot be copied elsewhere.",
            "In production the service refuses to start if any key is missing.",
        ),
    ),
    (
        "key-round",
        "Accounts and sessions",
        (
            "Passwords are hashed with bcrypt and must be at least 10 characters with upper and lower case "
            "letters, a digit and a special character.",
            "Sessions are signed tokens in HttpOnly, SameSite cookies that scripts cannot read, backed by a "
            "server-side session record so that signing out revokes them at once.",
            "Sign-in attempts are rate limited per client and per email address.",
        ),
    ),
    (
        "square-terminal",
        "API tokens and request limits",
        (
            "Personal access tokens for the API are shown once and stored only as a SHA-256 hash. A token works in "
            "one organization, never does more than its holder's current role, stops at once when revoked, and "
            "is deleted when its holder leaves the organization or deletes the account.",
            "Every API request and every action in the app that reads or changes data counts against one budget "
            "of 100 requests a minute per client, and per token as well; requests over it are refused with how "
            "long to wait (HTTP 429 with Retry-After), and every API answer states the limit in its headers.",
            "Creating and revoking a token is recorded in the organization's audit log.",
        ),
    ),
    (
        "scroll-text",
        "Audit log",
        (
            "Changes to organisations, memberships, invitations, projects, integrations and keys are recorded by "
            "database triggers, with secrets redacted.",
            "Audit entries cannot be updated or deleted by anyone, and each entry is hash-chained to the previous "
            "one so tampering is detectable.",
        ),
    ),
    (
        "shield",
        "Web security",
        (
            "A strict Content Security Policy (scripts only from our own origin or by exact hash), "
            "X-Frame-Options DENY, no MIME sniffing, a strict referrer policy and a locked-down permissions policy "
            "on every response, and HSTS on every response sent over HTTPS.",
            "Every script and module the pages load by address carries a Subresource Integrity hash, so the "
            "browser runs it only if it is exactly the file this build produced.",
            "X-XSS-Protection: 0. Browsers have removed their old XSS auditors, and the auditor's blocking mode "
            "(1; mode=block) could itself be abused to leak information across sites, so it is switched off, as "
            "OWASP recommends; the Content Security Policy is the protection against injected scripts.",
            "Images in chat replies load only from addresses the operator has approved. Any other image is shown "
            "as its description and never requested, so a reply cannot report who read it.",
            "Real-time connections and state-changing requests from foreign origins are refused.",
        ),
    ),
    (
        "credit-card",
        "Payments",
        (
            "Card details are entered on Stripe's hosted pages; Skopx stores only the customer and subscription "
            "identifiers and status. Stripe webhooks are verified by signature.",
        ),
    ),
)


def section(icon: str, title: str, points: tuple[str, ...]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(
                rx.icon(icon, size=20, color=rx.color("indigo", 11)),
                min_width="40px",
                height="40px",
                border_radius="10px",
                background=rx.color("indigo", 3),
            ),
            rx.vstack(
                rx.heading(title, size="5"),
                rx.unordered_list(
                    *(rx.list_item(rx.text(p, size="2", color=rx.color("gray", 11))) for p in points),
                    spacing="2",
                ),
                align="start",
                spacing="2",
            ),
            align="start",
            spacing="4",
        ),
        size="3",
        width="100%",
    )


def page() -> rx.Component:
    return public_page(
        rx.vstack(
            rx.badge("Security & compliance", variant="soft", radius="full"),
            rx.heading("How Skopx protects your data", size="8"),
            rx.text(
                "This page describes what this build of Skopx actually does. Found a problem? Write to "
                "security@skopx.dev (see our security.txt).",
                size="3",
                color=rx.color("gray", 11),
                max_width="720px",
            ),
            *(section(*s) for s in SECTIONS),
            spacing="4",
            padding_y="56px",
            align="start",
        )
    )
