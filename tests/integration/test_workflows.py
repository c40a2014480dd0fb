"""Service-role workflows through the real units of work: sign-up, sign-in lookup, sessions, invitations,
BYOK keys, billing and account deletion; each refuses what it must, with a clear sentence."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from psycopg import errors

from backend.db.session import service_session, tenant_session
from backend.errors import Conflict, Forbidden, NotFound, Unauthenticated
from tests.integration.world import World


async def signup(email: str, name: str = "New Person") -> dict:
    async with service_session() as s:
        cursor = await s.execute("select * from app.signup(%s, %s, %s)", (email, "bcrypt-hash", name))
        return await cursor.fetchone()


async def one(user_id, statement: str, params=()) -> dict | None:
    async with tenant_session(user_id) as s:
        return await (await s.execute(statement, params)).fetchone()


async def test_the_app_role_cannot_sign_people_up_or_read_password_hashes(world: World) -> None:
    with pytest.raises(Forbidden):
        async with tenant_session(None) as s:
            await s.execute("select * from app.signup('x@x.test', 'h', 'X')")
    with pytest.raises(Forbidden):
        await one(world.a.users["owner"], "select password_hash from users")


async def test_signup_creates_user_profile_org_and_ownership_and_refuses_duplicates() -> None:
    email = f"Person-{uuid.uuid4().hex[:6]}@Example.test"
    created = await signup(email)
    me = await one(created["user_id"], "select id, email from users where id = app.current_user_id()")
    assert me == {"id": created["user_id"], "email": email.lower()}
    role = await one(
        created["user_id"],
        "select role::text from organization_members where organization_id = %s and user_id = app.current_user_id()",
        (created["organization_id"],),
    )
    assert role == {"role": "owner"}
    assert await one(created["user_id"], "select count(*) as n from user_profiles") == {"n": 1}
    with pytest.raises(Conflict, match="already exists"):
        await signup(email.upper())


async def test_service_finds_a_login_by_email_but_users_only_see_their_peers(world: World) -> None:
    async with service_session() as s:
        row = await (
            await s.execute(
                "select id, password_hash from users where email = %s", (f"viewer@{world.tag}-a.test",)
            )
        ).fetchone()
    assert row == {"id": world.a.users["viewer"], "password_hash": "x"}
    peers = await one(world.a.users["viewer"], "select array_agg(id) as ids from users")
    assert set(peers["ids"]) == set(world.a.users.values())
    stranger = await one(
        world.outsider, "select count(*) as n from users where id = %s", (world.a.users["viewer"],)
    )
    assert stranger == {"n": 0}


async def test_sessions_are_created_by_the_service_and_revocable_only_by_their_user(world: World) -> None:
    jti, user = uuid.uuid4(), world.b.users["member"]
    async with service_session(user) as s:
        await s.execute(
            "insert into sessions (jti, user_id, expires_at) values (%s, %s, now() + interval '1 hour')",
            (jti, user),
        )
    assert await one(world.b.users["owner"], "select count(*) as n from sessions where jti = %s", (jti,)) == {
        "n": 0
    }
    async with tenant_session(world.b.users["owner"]) as s:
        assert (
            await s.execute("update sessions set revoked_at = now() where jti = %s", (jti,))
        ).rowcount == 0
    async with tenant_session(user) as s:
        assert (
            await s.execute("update sessions set revoked_at = now() where jti = %s", (jti,))
        ).rowcount == 1


async def test_create_organization_needs_a_signed_in_user_and_a_free_slug(world: World) -> None:
    slug = f"fresh-{uuid.uuid4().hex[:6]}"
    org = await one(world.outsider, "select app.create_organization('Fresh', %s) as id", (slug,))
    assert await one(world.outsider, "select app.has_org_role(%s, 'owner') as ok", (org["id"],)) == {
        "ok": True
    }
    with pytest.raises(Conflict, match="address is already taken"):
        await one(world.a.users["viewer"], "select app.create_organization('Again', %s)", (slug,))
    with pytest.raises(Unauthenticated):
        await one(None, "select app.create_organization('Nobody', 'nobody-org')")


async def test_invitations_are_accepted_once_by_the_invited_email_before_expiry(world: World) -> None:
    admin, token = world.b.users["admin"], f"tok-{uuid.uuid4().hex}"
    email = f"invitee-{uuid.uuid4().hex[:6]}@x.test"
    async with tenant_session(admin) as s:
        await s.execute(
            "insert into invitations (organization_id, email, role, token_hash, invited_by) values (%s, %s, 'viewer', %s, %s)",
            (world.b.id, email, hashlib.sha256(token.encode()).hexdigest(), admin),
        )
    with pytest.raises(Forbidden):
        await one(
            admin,
            "insert into invitations (organization_id, email, role, token_hash, invited_by)"
            " values (%s, 'o@x.test', 'owner', repeat('a', 64), %s)",
            (world.b.id, admin),
        )
    stranger = await signup(f"other-{uuid.uuid4().hex[:6]}@x.test")
    with pytest.raises(NotFound, match="different email"):
        await one(stranger["user_id"], "select app.accept_invitation(%s)", (token,))
    invitee = await signup(email)
    with pytest.raises(NotFound, match="invalid or has expired"):
        await one(invitee["user_id"], "select app.accept_invitation(%s)", ("wrong" + token,))
    joined = await one(invitee["user_id"], "select app.accept_invitation(%s) as org", (token,))
    assert joined == {"org": world.b.id}
    role = await one(
        invitee["user_id"],
        "select role::text from organization_members where organization_id = %s and user_id = app.current_user_id()",
        (world.b.id,),
    )
    assert role == {"role": "viewer"}
    with pytest.raises(NotFound, match="invalid or has expired"):
        await one(invitee["user_id"], "select app.accept_invitation(%s)", (token,))


async def test_api_keys_are_service_only_and_scoped_to_the_acting_user(world: World) -> None:
    alice, bob = world.b.users["owner"], world.b.users["viewer"]
    async with service_session(alice) as s:
        await s.execute(
            "insert into user_api_keys (user_id, key_ciphertext, key_last4) values (%s, 'c', 'wxyz')",
            (alice,),
        )
        with pytest.raises(errors.InsufficientPrivilege):
            async with s.transaction():  # a savepoint: the unit of work goes on after the refusal
                await s.execute(
                    "insert into user_api_keys (user_id, key_ciphertext, key_last4) values (%s, 'c', '1')",
                    (bob,),
                )
    async with service_session(bob) as s:
        assert (
            await (
                await s.execute("select count(*) as n from user_api_keys where user_id = %s", (alice,))
            ).fetchone()
        )["n"] == 0
    async with service_session(None) as s:  # a system job (key rotation) sees every key
        assert (
            await (
                await s.execute("select count(*) as n from user_api_keys where user_id = %s", (alice,))
            ).fetchone()
        )["n"] == 1
    with pytest.raises(Forbidden):
        await one(alice, "select count(*) from user_api_keys")
    with pytest.raises(Conflict, match="already have a key"):
        async with service_session(alice) as s:
            await s.execute(
                "insert into user_api_keys (user_id, key_ciphertext, key_last4) values (%s, 'c', 'z')",
                (alice,),
            )


async def test_billing_is_written_by_the_service_and_only_read_by_admins(world: World) -> None:
    async with service_session() as s:
        await s.execute(
            "update organization_billing set status = 'past_due', past_due_since = now()"
            " where organization_id = %s",
            (world.b.id,),
        )
        await s.execute(
            "insert into stripe_events (id, type, organization_id) values (%s, 'invoice.paid', %s)",
            (f"evt_{uuid.uuid4().hex}", world.b.id),
        )
    assert await one(world.b.users["admin"], "select status from organization_billing") == {
        "status": "past_due"
    }
    assert await one(world.b.users["member"], "select status from organization_billing") is None
    with pytest.raises(Forbidden):
        await one(world.b.users["owner"], "update organization_billing set status = 'active'")


async def test_delete_account_removes_a_personal_workspace_but_not_the_last_owner_of_a_team(
    world: World,
) -> None:
    solo = await signup(f"solo-{uuid.uuid4().hex[:6]}@x.test")
    await one(solo["user_id"], "select app.delete_account()")
    async with service_session() as s:
        left = await (
            await s.execute(
                "select count(*) as n from organizations where id = %s", (solo["organization_id"],)
            )
        ).fetchone()
    assert left == {"n": 0}
    with pytest.raises(Conflict, match="at least one owner"):
        await one(world.b.users["owner"], "select app.delete_account()")
