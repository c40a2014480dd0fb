"""The API tokens page's events sent straight over the websocket, skipping the form: a ceiling above
one's role, another organization, a NUL byte in the name and a revocation of someone else's token are
all refused, and nothing is stored."""

from __future__ import annotations

import psycopg
from playwright.sync_api import Page

from backend import routes
from state.api_tokens import ApiTokensState
from tests.e2e_support import sign_in
from tests.reflex_socket import HandshakeRecorder, ReflexSocket, event_name


def _tokens_of(admin_url: str, email: str) -> int:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(
            "select count(*) from api_tokens t join users u on u.id = t.user_id where u.email = %s", (email,)
        ).fetchone()
    return row[0]


def _orgs_and_a_foreign_token(admin_url: str) -> tuple[str, str, str]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        globex = conn.execute("select id::text from organizations where name = 'Globex'").fetchone()[0]
        owner = conn.execute("select id from users where email = 'owner@acme.test'").fetchone()[0]
        acme = conn.execute("select id::text from organizations where name = 'Acme'").fetchone()[0]
        token = conn.execute(
            "insert into api_tokens (organization_id, user_id, name, token_prefix, token_hash, role_ceiling,"
            " expires_at) values (%s, %s, 'owner''s', 'skopx_pat_own', md5(random()::text) || md5(random()::text),"
            " 'owner', now() + interval '1 day') returning id::text",
            (acme, owner),
        ).fetchone()[0]
    return acme, globex, token


def test_forged_events_are_refused_and_store_nothing(
    page: Page, app_url: str, migrated_database: str
) -> None:
    recorder = HandshakeRecorder(page)
    sign_in(page, app_url, "viewer@acme.test", next_path=routes.API_TOKENS)
    handshake = recorder.latest(page, app_url)
    page.close()
    acme, globex, foreign_token = _orgs_and_a_foreign_token(migrated_database)
    before = _tokens_of(migrated_database, "viewer@acme.test")
    create = event_name(ApiTokensState, "create")
    with ReflexSocket(handshake, forwarded_for="198.51.100.91", path=routes.API_TOKENS) as socket:
        socket.send(event_name(ApiTokensState, "load"))
        socket.send(event_name(ApiTokensState, "set_form_ceiling"), ceiling="owner")
        socket.send(create, form_data={"name": "above my role"})
        socket.send(event_name(ApiTokensState, "set_form_ceiling"), ceiling="viewer")
        socket.send(event_name(ApiTokensState, "set_form_org"), org_id=globex)
        socket.send(create, form_data={"name": "in Globex"})
        socket.send(event_name(ApiTokensState, "set_form_org"), org_id=acme)
        socket.send(create, form_data={"name": "nul\x00byte"})
        socket.send(event_name(ApiTokensState, "ask_revoke"), token_id=foreign_token)
        socket.send(event_name(ApiTokensState, "revoke"))
        frames = socket.settle(3)
    assert "A token can't do more than you can" in frames
    assert "no longer a member of this organization" in frames
    assert "control character" in frames
    assert _tokens_of(migrated_database, "viewer@acme.test") == before
    assert "skopx_pat_" not in frames.replace("skopx_pat_…", "")
    with psycopg.connect(migrated_database) as conn:
        revoked = conn.execute(
            "select revoked_at from api_tokens where id = %s", (foreign_token,)
        ).fetchone()[0]
    assert revoked is None
