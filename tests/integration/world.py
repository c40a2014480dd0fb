"""A small, complete tenant world built as superuser: the fixture data of the integration tests.

Organizations A and B have an owner, admin, member and viewer; C belongs to the outsider. Each
organization has a shared and a private project of the member, a private project of the admin, and
in each of them a conversation, a message and a task, plus an integration, repository, database
connection, data queries, invitation, usage event, billing row and an API token of the member.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

ROLES = ("owner", "admin", "member", "viewer")
# Project variants: (key, creator role, visibility).
PROJECT_VARIANTS = (
    ("shared", "member", "shared"),
    ("private", "member", "private"),
    ("admin_private", "admin", "private"),
)


@dataclass
class Org:
    id: uuid.UUID
    users: dict[str, uuid.UUID]
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # "<table>:<variant>" -> primary key


@dataclass
class World:
    tag: str
    a: Org
    b: Org
    outsider: uuid.UUID
    c: uuid.UUID

    def org(self, which: str) -> Org:
        return self.a if which == "own" else self.b


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _insert(conn: psycopg.Connection, table: str, **values: Any) -> dict[str, Any]:
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    row = conn.execute(f"insert into {table} ({columns}) values ({marks}) returning *", list(values.values()))
    return row.fetchone()  # type: ignore[return-value]


def _user(conn: psycopg.Connection, email: str, name: str) -> uuid.UUID:
    return _insert(conn, "users", email=email, password_hash="x", display_name=name)["id"]


def _org(conn: psycopg.Connection, tag: str, letter: str) -> Org:
    users = {
        role: _user(conn, f"{role}@{tag}-{letter}.test", f"{role.title()} {letter.upper()}") for role in ROLES
    }
    conn.execute("select set_config('app.user_id', %s, false)", (str(users["owner"]),))
    org_id = _insert(conn, "organizations", name=f"Org {letter.upper()}", slug=f"{tag}-{letter}"[:48])["id"]
    org = Org(id=org_id, users=users)
    for role, user_id in users.items():
        _insert(conn, "organization_members", organization_id=org_id, user_id=user_id, role=role)
    org.rows["organizations:"] = {"id": org_id}
    org.rows["organization_members:viewer"] = {"organization_id": org_id, "user_id": users["viewer"]}
    _content(conn, org)
    _connections(conn, org, tag, letter)
    return org


def _content(conn: psycopg.Connection, org: Org) -> None:
    for key, creator_role, visibility in PROJECT_VARIANTS:
        creator = org.users[creator_role]
        base = {"organization_id": org.id}
        project = _insert(
            conn, "projects", **base, name=f"P {key}", visibility=visibility, created_by=creator
        )
        in_project = {**base, "project_id": project["id"], "created_by": creator}
        conversation = _insert(conn, "conversations", **in_project, title=f"C {key}")
        message = _insert(
            conn, "messages", **in_project, conversation_id=conversation["id"], role="user", content="hi"
        )
        task = _insert(conn, "tasks", **in_project, title=f"T {key}")
        org.rows[f"projects:{key}"] = {**base, "id": project["id"]}
        org.rows[f"conversations:{key}"] = {**base, "id": conversation["id"]}
        org.rows[f"messages:{key}"] = {**base, "id": message["id"]}
        org.rows[f"tasks:{key}"] = {**base, "id": task["id"]}


def _connections(conn: psycopg.Connection, org: Org, tag: str, letter: str) -> None:
    base = {"organization_id": org.id}
    admin, member = org.users["admin"], org.users["member"]
    integration = _insert(
        conn,
        "integrations",
        **base,
        provider="github",
        token_ciphertext="v2:t:secret-token",
        connected_by=admin,
    )
    repository = _insert(
        conn, "repositories", **base, integration_id=integration["id"], full_name=f"{tag}/{letter}"
    )
    connection = _insert(
        conn, "database_connections", **base, name="warehouse", config_ciphertext="v2:t:cfg", created_by=admin
    )
    for key in ("shared", "private"):
        query = _insert(
            conn,
            "data_queries",
            **base,
            database_connection_id=connection["id"],
            project_id=org.rows[f"projects:{key}"]["id"],
            title=f"Q {key}",
            sql_text="select 1",
            created_by=member,
        )
        org.rows[f"data_queries:{key}"] = {**base, "id": query["id"]}
    invitation = _insert(
        conn,
        "invitations",
        **base,
        email=f"new@{tag}-{letter}.test",
        token_hash=token_hash(f"token-{tag}-{letter}"),
        invited_by=admin,
    )
    usage = _insert(
        conn,
        "usage_events",
        **base,
        user_id=member,
        model="claude",
        input_tokens=1,
        output_tokens=2,
        key_source="server",
    )
    _insert(conn, "organization_billing", organization_id=org.id, plan="team", status="active", seats=4)
    api_token = _insert(
        conn,
        "api_tokens",
        **base,
        user_id=member,
        name="CI",
        token_prefix="skopx_pat_abcd",
        token_hash=token_hash(f"api-token-{tag}-{letter}"),
        role_ceiling="member",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    org.rows["integrations:"] = {**base, "id": integration["id"]}
    org.rows["repositories:"] = {**base, "id": repository["id"]}
    org.rows["database_connections:"] = {**base, "id": connection["id"]}
    org.rows["invitations:"] = {**base, "id": invitation["id"]}
    org.rows["usage_events:"] = {**base, "id": usage["id"]}
    org.rows["organization_billing:"] = {"organization_id": org.id}
    org.rows["api_tokens:"] = {**base, "id": api_token["id"]}
    audit = conn.execute(
        "select id from audit_logs where organization_id = %s order by seq limit 1", (org.id,)
    )
    org.rows["audit_logs:"] = {"id": audit.fetchone()["id"]}  # type: ignore[index]


def build_world(admin_url: str, *, tag: str) -> World:
    from psycopg.rows import dict_row

    with psycopg.connect(admin_url, autocommit=True, row_factory=dict_row) as conn:
        a, b = _org(conn, tag, "a"), _org(conn, tag, "b")
        outsider = _user(conn, f"outsider@{tag}.test", "Outsider")
        conn.execute("select set_config('app.user_id', %s, false)", (str(outsider),))
        c = _insert(conn, "organizations", name="Org C", slug=f"{tag}-c"[:48])["id"]
        _insert(conn, "organization_members", organization_id=c, user_id=outsider, role="owner")
    return World(tag=tag, a=a, b=b, outsider=outsider, c=c)
