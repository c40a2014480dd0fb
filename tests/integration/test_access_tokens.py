"""Personal access tokens through backend.services.access_tokens against the real schema.

Negative paths first: a ceiling above one's role, other spellings of a token, a revoked, expired or
foreign token, a demoted, removed or deleted holder, and a burst of creations past the cap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from backend.errors import Conflict, Invalid, NotFound, Unauthenticated
from backend.limits import API_TOKEN_LIFETIMES_DAYS, API_TOKENS_PER_MEMBER
from backend.rbac import Role
from backend.services import access_tokens
from backend.services.access_tokens import TOKEN_PREFIX, token_hash
from backend.services.context import RequestContext
from tests.integration.factories import new_org


def _ctx(org, users, name: str, role: str) -> RequestContext:
    return RequestContext(user_id=str(users[name]), org_id=str(org), role=Role(role))


async def _token(ctx: RequestContext, ceiling: str | None = None, days: int = 30) -> str:
    created = await access_tokens.create_token(
        ctx=ctx, name="CI", role_ceiling=ceiling or ctx.role.value, expires_in_days=days
    )
    return created.secret


async def test_a_ceiling_above_ones_own_role_is_refused(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member")
    with pytest.raises(Invalid) as refused:
        await _token(_ctx(org, users, "ann", "member"), ceiling="admin")
    assert refused.value.field == "role_ceiling"
    # The database holds the same rule when the service's check is skipped (a forged context).
    forged = RequestContext(user_id=str(users["ann"]), org_id=str(org), role=Role.OWNER)
    with pytest.raises(Exception) as denied:
        await _token(forged, ceiling="owner")
    assert type(denied.value).__name__ == "Forbidden"
    assert (
        admin.execute("select count(*) as n from api_tokens where user_id = %s", (users["ann"],)).fetchone()[
            "n"
        ]
        == 0
    )


@pytest.mark.parametrize("days", [0, 1, 366, "a", None, "30.5"])
async def test_only_the_offered_lifetimes_are_accepted(admin: psycopg.Connection, days) -> None:
    org, users = new_org(admin, ann="member")
    with pytest.raises(Invalid) as refused:
        await access_tokens.create_token(
            ctx=_ctx(org, users, "ann", "member"), name="CI", role_ceiling="viewer", expires_in_days=days
        )
    assert refused.value.field == "expires_in_days"


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "x" * 101, "\ud800"])
async def test_a_bad_name_gets_a_sentence(admin: psycopg.Connection, name: str) -> None:
    org, users = new_org(admin, ann="member")
    with pytest.raises(Invalid) as refused:
        await access_tokens.create_token(
            ctx=_ctx(org, users, "ann", "member"), name=name, role_ceiling="viewer", expires_in_days=30
        )
    assert refused.value.field in {"name", None}


@pytest.mark.parametrize(
    "spelling",
    [
        "",
        "skopx_pat_",
        "Bearer x",
        "skopx_pat_" + "A" * 42,
        "skopx_pat_" + "A" * 44,
        "SKOPX_PAT_" + "A" * 43,
        "skopx_pat_" + "A" * 42 + "\x00",
        "skopx_pat_" + "A" * 42 + "é",
    ],
)
async def test_anything_but_a_live_token_is_refused(spelling: str) -> None:
    with pytest.raises(Unauthenticated):
        await access_tokens.authenticate(spelling)


async def test_a_changed_character_or_other_case_is_another_token(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member")
    secret = await _token(_ctx(org, users, "ann", "member"))
    body = secret[len(TOKEN_PREFIX) :]
    for variant in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), TOKEN_PREFIX + body.swapcase()):
        if variant == secret:
            continue
        with pytest.raises(Unauthenticated):
            await access_tokens.authenticate(variant)
    assert (await access_tokens.authenticate(secret)).context.org_id == str(org)


async def test_only_the_hash_is_stored_and_the_secret_is_not_in_the_audit_trail(
    admin: psycopg.Connection,
) -> None:
    org, users = new_org(admin, ann="member")
    created = await access_tokens.create_token(
        ctx=_ctx(org, users, "ann", "member"), name="Deploy bot", role_ceiling="viewer", expires_in_days=7
    )
    row = admin.execute("select * from api_tokens where id = %s", (created.token.id,)).fetchone()
    assert row["token_hash"] == token_hash(created.secret)
    assert created.secret not in str(row)
    assert created.secret not in repr(created)
    audit = admin.execute(
        "select action, actor_id, new_values from audit_logs where table_name = 'api_tokens' and row_id = %s",
        (created.token.id,),
    ).fetchall()
    assert [a["action"] for a in audit] == ["insert"]
    assert str(audit[0]["actor_id"]) == str(users["ann"])
    assert audit[0]["new_values"]["token_hash"] == "[redacted]"
    assert created.secret[len(TOKEN_PREFIX) :] not in str(audit)


async def test_revocation_refuses_the_next_request_and_is_audited(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member", bob="member")
    ann = _ctx(org, users, "ann", "member")
    created = await access_tokens.create_token(ctx=ann, name="CI", role_ceiling="member", expires_in_days=30)
    await access_tokens.authenticate(created.secret)
    # Another member can't revoke it, and a made-up id is not found.
    with pytest.raises(NotFound):
        await access_tokens.revoke_token(user_id=str(users["bob"]), token_id=created.token.id)
    with pytest.raises(NotFound):
        await access_tokens.revoke_token(user_id=str(users["ann"]), token_id="not-a-uuid")
    assert await access_tokens.revoke_token(user_id=str(users["ann"]), token_id=created.token.id) == "CI"
    with pytest.raises(Unauthenticated):
        await access_tokens.authenticate(created.secret)
    with pytest.raises(NotFound):
        await access_tokens.revoke_token(user_id=str(users["ann"]), token_id=created.token.id)
    actions = [
        r["action"]
        for r in admin.execute(
            "select action from audit_logs where table_name = 'api_tokens' and row_id = %s order by seq",
            (created.token.id,),
        )
    ]
    assert actions == ["insert", "update"]


async def test_an_expired_token_is_refused(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member")
    secret = await _token(_ctx(org, users, "ann", "member"))
    admin.execute(
        "update api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'"
        " where token_hash = %s",
        (token_hash(secret),),
    )
    with pytest.raises(Unauthenticated):
        await access_tokens.authenticate(secret)


async def test_a_token_acts_with_the_lower_of_its_ceiling_and_the_holders_role(
    admin: psycopg.Connection,
) -> None:
    org, users = new_org(admin, owner="owner", ann="admin")
    admin_token = await _token(_ctx(org, users, "ann", "admin"), ceiling="admin")
    viewer_token = await _token(_ctx(org, users, "ann", "admin"), ceiling="viewer")
    assert (await access_tokens.authenticate(admin_token)).context.role == Role.ADMIN
    assert (await access_tokens.authenticate(viewer_token)).context.role == Role.VIEWER
    admin.execute(
        "update organization_members set role = 'member' where organization_id = %s and user_id = %s",
        (org, users["ann"]),
    )
    assert (await access_tokens.authenticate(admin_token)).context.role == Role.MEMBER
    assert (await access_tokens.authenticate(viewer_token)).context.role == Role.VIEWER


async def test_removal_and_account_deletion_delete_the_token(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, owner="owner", ann="member", bob="member")
    ann_token = await _token(_ctx(org, users, "ann", "member"))
    bob_token = await _token(_ctx(org, users, "bob", "member"))
    admin.execute(
        "delete from organization_members where organization_id = %s and user_id = %s", (org, users["ann"])
    )
    admin.execute("delete from users where id = %s", (users["bob"],))
    for secret in (ann_token, bob_token):
        with pytest.raises(Unauthenticated):
            await access_tokens.authenticate(secret)
    left = admin.execute("select count(*) as n from api_tokens where organization_id = %s", (org,)).fetchone()
    assert left["n"] == 0


async def test_a_token_reaches_only_its_own_organization(admin: psycopg.Connection) -> None:
    acme, acme_users = new_org(admin, ann="owner")
    globex, _ = new_org(admin, gus="owner")
    admin.execute(
        "insert into organization_members (organization_id, user_id, role) values (%s, %s, 'member')",
        (globex, acme_users["ann"]),
    )
    identity = await access_tokens.authenticate(await _token(_ctx(acme, acme_users, "ann", "owner")))
    assert identity.context.org_id == str(acme)
    assert identity.context.role == Role.OWNER


async def test_the_cap_holds_under_a_burst_of_creations(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member")
    ctx = _ctx(org, users, "ann", "member")
    burst = API_TOKENS_PER_MEMBER + 10
    outcomes = await asyncio.gather(
        *(
            access_tokens.create_token(ctx=ctx, name=f"t{i}", role_ceiling="viewer", expires_in_days=7)
            for i in range(burst)
        ),
        return_exceptions=True,
    )
    created = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(created) == API_TOKENS_PER_MEMBER
    assert refused and all(isinstance(o, Conflict) for o in refused)
    assert "Revoke one" in refused[0].detail
    # A revoked token frees its place.
    await access_tokens.revoke_token(user_id=ctx.user_id, token_id=created[0].token.id)
    await _token(ctx, ceiling="viewer")


async def test_listing_shows_ones_own_tokens_with_last_use(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member", bob="member")
    secret = await _token(_ctx(org, users, "ann", "member"))
    await _token(_ctx(org, users, "bob", "member"))
    before = await access_tokens.list_tokens(user_id=str(users["ann"]))
    assert [t.last_used_at for t in before] == [None]
    await access_tokens.authenticate(secret)
    (after,) = await access_tokens.list_tokens(user_id=str(users["ann"]))
    assert after.last_used_at is not None
    assert after.shown.startswith(TOKEN_PREFIX) and after.shown.endswith("…")
    assert secret not in str(after)
    assert after.status(datetime.now(UTC)) == "active"
    assert after.status(after.expires_at + timedelta(seconds=1)) == "expired"


async def test_the_longest_offered_lifetime_fits_the_schema(admin: psycopg.Connection) -> None:
    org, users = new_org(admin, ann="member")
    created = await access_tokens.create_token(
        ctx=_ctx(org, users, "ann", "member"),
        name="CI",
        role_ceiling="viewer",
        expires_in_days=max(API_TOKEN_LIFETIMES_DAYS),
    )
    assert created.token.expires_at - created.token.created_at == timedelta(
        days=max(API_TOKEN_LIFETIMES_DAYS)
    )
