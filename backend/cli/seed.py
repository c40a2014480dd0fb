"""`python -m backend.cli.seed [--if-fresh]`: load the demo workspace and print its password.

Acme (owner, admin, member and viewer @acme.test) and Globex (owner@globex.test), each with shared and
private projects, conversations, messages, tasks and usage events. Runs as the admin connection with
`app.user_id` set per author, so the audit log shows who did what. Idempotent: a seeded database is
left alone. `--if-fresh` seeds only a database without any user (what `make run` calls).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from uuid import UUID

import bcrypt
import psycopg
from psycopg.rows import dict_row

DEMO_PASSWORD = "Skopx-demo-2026!"  # noqa: S105 - the published demo password, printed on purpose
BCRYPT_COST = 12
MARKER_EMAIL = "owner@acme.test"

ORGS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "Acme",
        "members": {
            "owner@acme.test": ("Olivia Owner", "owner"),
            "admin@acme.test": ("Adam Admin", "admin"),
            "member@acme.test": ("Maya Member", "member"),
            "viewer@acme.test": ("Victor Viewer", "viewer"),
        },
        # (name, visibility, creator, conversation title, [(user prompt, assistant answer)], tasks)
        "projects": [
            (
                "Launch plan",
                "shared",
                "member@acme.test",
                "Launch checklist",
                [("What should we check before launch?", "Billing, backups, on-call and the status page.")],
                ["Write release notes", "Check backups"],
            ),
            (
                "Q3 revenue analysis",
                "shared",
                "admin@acme.test",
                "Revenue by region",
                [("Which region grew fastest?", "EMEA grew 18% quarter over quarter.")],
                ["Export the chart"],
            ),
            (
                "Maya's drafts",
                "private",
                "member@acme.test",
                "Draft ideas",
                [("Help me outline a blog post.", "Intro, problem, approach, results, next steps.")],
                ["Outline"],
            ),
            (
                "Board preparation",
                "private",
                "owner@acme.test",
                "Board deck",
                [("Summarize the quarter in three bullets.", "Revenue up, churn down, hiring on plan.")],
                [],
            ),
        ],
    },
    "globex": {
        "name": "Globex",
        "members": {"owner@globex.test": ("Grace Globex", "owner")},
        "projects": [
            (
                "Globex onboarding",
                "shared",
                "owner@globex.test",
                "Welcome",
                [("How do I connect a repository?", "Open Settings, then Integrations, then GitHub.")],
                ["Invite the team"],
            ),
            (
                "Secret merger",
                "private",
                "owner@globex.test",
                "Due diligence",
                [("List the open questions.", "Valuation, timeline and regulatory approval.")],
                [],
            ),
        ],
    },
}


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_COST)).decode()


def _act_as(conn: psycopg.Connection, user_id: UUID) -> None:
    conn.execute("select set_config('app.user_id', %s, true)", (str(user_id),))


def _one(conn: psycopg.Connection, statement: str, params: tuple) -> Any:
    return conn.execute(statement, params).fetchone()["id"]


def _seed_org(conn: psycopg.Connection, slug: str, spec: dict[str, Any], users: dict[str, UUID]) -> None:
    owner = next(users[e] for e, (_, role) in spec["members"].items() if role == "owner")
    _act_as(conn, owner)
    org = _one(
        conn, "insert into organizations (name, slug) values (%s, %s) returning id", (spec["name"], slug)
    )
    for email, (_, role) in spec["members"].items():
        conn.execute(
            "insert into organization_members (organization_id, user_id, role) values (%s, %s, %s)",
            (org, users[email], role),
        )
    conn.execute(
        "insert into organization_billing (organization_id, plan, status, seats) values (%s, %s, %s, %s)",
        (
            org,
            "team" if len(spec["members"]) > 1 else "free",
            "active" if len(spec["members"]) > 1 else "pending",
            max(1, len(spec["members"])),
        ),
    )
    for name, visibility, creator_email, title, exchanges, tasks in spec["projects"]:
        creator = users[creator_email]
        _act_as(conn, creator)
        project = _one(
            conn,
            "insert into projects (organization_id, name, visibility, created_by) values (%s, %s, %s, %s) returning id",
            (org, name, visibility, creator),
        )
        conversation = _one(
            conn,
            "insert into conversations (organization_id, project_id, title, created_by)"
            " values (%s, %s, %s, %s) returning id",
            (org, project, title, creator),
        )
        for prompt, answer in exchanges:
            for role, content, tokens in (("user", prompt, (None, None)), ("assistant", answer, (42, 120))):
                conn.execute(
                    "insert into messages (organization_id, project_id, conversation_id, role, content, model,"
                    " input_tokens, output_tokens, created_by) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        org,
                        project,
                        conversation,
                        role,
                        content,
                        "demo" if role == "assistant" else None,
                        *tokens,
                        creator,
                    ),
                )
            conn.execute(
                "insert into usage_events (organization_id, user_id, conversation_id, model, input_tokens,"
                " output_tokens, key_source) values (%s, %s, %s, 'demo', 42, 120, 'demo')",
                (org, creator, conversation),
            )
        for task in tasks:
            conn.execute(
                "insert into tasks (organization_id, project_id, title, created_by) values (%s, %s, %s, %s)",
                (org, project, task, creator),
            )


class DemoRefused(SystemExit):
    """The demo workspace, with its published password, never goes into a production database."""

    def __init__(self) -> None:
        super().__init__(
            "seed: the demo workspace is for local mode only (SKOPX_ENV=local); "
            "in production create the first owner with `python -m backend.cli.create_owner`."
        )


def seed(admin_url: str, *, only_if_fresh: bool = False) -> bool:
    """Load the demo workspace; False when it was already there (or the database is not fresh)."""
    from backend.config import get_settings

    if get_settings().is_production:
        raise DemoRefused()
    with psycopg.connect(admin_url, row_factory=dict_row) as conn:
        fresh, seeded = (
            conn.execute(
                "select not exists (select 1 from public.users) as fresh,"
                " exists (select 1 from public.users where email = %s) as seeded",
                (MARKER_EMAIL,),
            )
            .fetchone()
            .values()
        )
        if seeded or (only_if_fresh and not fresh):
            return False
        conn.execute("select pg_advisory_xact_lock(hashtext('skopx_seed'))")
        users: dict[str, UUID] = {}
        for spec in ORGS.values():
            for email, (display_name, _) in spec["members"].items():
                users[email] = _one(
                    conn,
                    "insert into users (email, password_hash, display_name) values (%s, %s, %s) returning id",
                    (email, hash_password(DEMO_PASSWORD), display_name),
                )
                conn.execute("insert into user_profiles (user_id) values (%s)", (users[email],))
        for slug, spec in ORGS.items():
            _seed_org(conn, slug, spec, users)
    return True


def seed_if_fresh() -> bool:
    """For `make run`: on a brand-new (already migrated) database, load the demo and say how to sign in."""
    loaded = seed(_admin_url(migrate_first=False), only_if_fresh=True)
    if loaded:
        _announce(loaded)
    return loaded


def explain_first_owner() -> None:
    """Production start: no demo data; when there is no account yet, say how to make the first one."""
    with psycopg.connect(_admin_url(migrate_first=False)) as conn:
        empty = conn.execute("select not exists (select 1 from public.users)").fetchone()[0]
    if empty:
        print(
            "No accounts yet. Create the first owner with `python -m backend.cli.create_owner` "
            "(it asks for the password), or sign up in the browser."
        )


def _announce(loaded: bool) -> None:
    if loaded:
        print("seed: demo workspace loaded (Acme and Globex).")
    else:
        print("seed: skipped (the demo workspace is already there, or the database is not fresh).")
    emails = ", ".join(email for spec in ORGS.values() for email in spec["members"])
    print(f"seed: demo accounts: {emails}")
    print(f"seed: demo password: {DEMO_PASSWORD}")


def _admin_url(*, migrate_first: bool = True) -> str:
    from backend.config import get_settings
    from backend.db.migrate import migrate
    from backend.db.urls import APP_ROLE, SERVICE_ROLE, resolve_urls

    settings = get_settings()
    if not settings.database_url:
        from backend.db import embedded

        embedded.start()
    urls = resolve_urls(settings)
    if not urls.admin:
        raise SystemExit("seed: DATABASE_ADMIN_URL is required to seed an external PostgreSQL.")
    if migrate_first:
        migrate(urls.admin, role_urls={APP_ROLE: urls.app, SERVICE_ROLE: urls.service})
    return urls.admin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-fresh", action="store_true", help="seed only a database without any user")
    args = parser.parse_args(argv)
    _announce(seed(_admin_url(), only_if_fresh=args.if_fresh))
    return 0


if __name__ == "__main__":
    sys.exit(main())
