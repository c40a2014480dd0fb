"""Accounts services against the real database: sign-up, invitations, roles, the last-owner guard,
password change and account deletion. Each refusal is checked for its sentence, and the RBAC checks in
the services are backed by the database policies (a forged context is still refused)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

import pytest

from backend.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from backend.rbac import Role
from backend.services import accounts, invitations, members, organizations, profile, sessions
from backend.services.context import RequestContext
from tests.integration.factories import PASSWORD, Person, join, new_team, person


@pytest.fixture(scope="module", autouse=True)
def _database(migrated_database: str) -> str:
    return migrated_database


@pytest.fixture
async def team() -> dict[str, Person]:
    return await new_team()


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def roles_of(ctx: RequestContext) -> dict[str, Role]:
    return {m.user_id: m.role for m in await members.list_members(ctx=ctx)}


# ------------------------------------------------------------------ sign-up
async def test_sign_up_refuses_bad_input_and_duplicates_then_creates_an_owned_workspace() -> None:
    with pytest.raises(Invalid) as weak:
        await accounts.sign_up(name="Weak", email="weak@example.test", password="short")
    assert weak.value.field == "password" and "at least 10 characters" in weak.value.detail
    with pytest.raises(Invalid) as bad_email:
        await accounts.sign_up(name="Bad", email="not-an-email", password=PASSWORD)
    assert bad_email.value.field == "email"
    with pytest.raises(Invalid):
        await accounts.sign_up(name="   ", email="blank@example.test", password=PASSWORD)

    someone = await person("signup")
    user = await sessions.resolve_session(someone.cookie)
    assert user.email == someone.email and [m.role for m in user.memberships] == [Role.OWNER]
    with pytest.raises(Conflict) as duplicate:
        await accounts.sign_up(name="Again", email=someone.email.upper(), password=PASSWORD)
    assert duplicate.value.field == "email"


# ------------------------------------------------------------------ invitations
async def test_members_and_viewers_cannot_invite_and_admins_cannot_invite_owners(team) -> None:
    outsider = f"new-{uuid.uuid4().hex[:6]}@example.test"
    for role in ("member", "viewer"):
        ctx = await team[role].ctx(team["owner"].org_id)
        with pytest.raises(Forbidden, match="permission to invite people"):
            await invitations.create_invitation(ctx=ctx, email=outsider, role="viewer")
        assert await invitations.list_pending(ctx=ctx) == []
    admin_ctx = await team["admin"].ctx(team["owner"].org_id)
    with pytest.raises(Forbidden, match="Only an owner can invite someone as an owner"):
        await invitations.create_invitation(ctx=admin_ctx, email=outsider, role="owner")
    # A forged context (role claimed higher than the database's) is still refused by RLS.
    forged = replace(await team["member"].ctx(team["owner"].org_id), role=Role.OWNER)
    with pytest.raises(Forbidden):
        await invitations.create_invitation(ctx=forged, email=outsider, role="viewer")


async def test_invitation_is_normalized_hashed_logged_locally_and_refuses_duplicates(
    team, caplog, admin
) -> None:
    ctx = await team["admin"].ctx(team["owner"].org_id)
    address = f"Mixed.Case-{uuid.uuid4().hex[:6]}@Example.TEST"
    with caplog.at_level(logging.INFO, logger="backend.services.invitations"):
        created = await invitations.create_invitation(ctx=ctx, email=f"  {address} ", role="member")
    assert created.email == address.lower()
    assert created.link.startswith("http") and "/invite/" in created.link
    assert created.link in caplog.text
    stored = admin.execute(
        "select token_hash, expires_at - created_at as ttl from invitations where id = %s", (created.id,)
    ).fetchone()
    assert stored["token_hash"] != token_of(created.link) and len(stored["token_hash"]) == 64
    assert 6.9 < stored["ttl"].total_seconds() / 86400 <= 7.0
    with pytest.raises(Conflict, match="already has a pending invitation"):
        await invitations.create_invitation(ctx=ctx, email=address, role="viewer")
    with pytest.raises(Conflict, match="already a member"):
        await invitations.create_invitation(ctx=ctx, email=team["viewer"].email, role="viewer")
    with pytest.raises(Invalid) as bad:
        await invitations.create_invitation(ctx=ctx, email="nobody at all", role="viewer")
    assert bad.value.field == "email"
    pending = await invitations.list_pending(ctx=ctx)
    assert [p.email for p in pending] == [address.lower()]


async def test_expired_reused_and_wrong_email_invitations_are_refused_with_clear_sentences(
    team, admin
) -> None:
    ctx = await team["owner"].ctx()
    invitee, stranger = await person("invitee"), await person("stranger")

    expired = await invitations.create_invitation(ctx=ctx, email=invitee.email, role="member")
    admin.execute(
        "update invitations set expires_at = now() - interval '1 minute' where id = %s", (expired.id,)
    )
    with pytest.raises(NotFound, match="expired"):
        await invitations.accept_invitation(user_id=invitee.user_id, token=token_of(expired.link))
    # An expired invitation does not block a new one for the same address.
    fresh = await invitations.create_invitation(ctx=ctx, email=invitee.email, role="member")

    with pytest.raises(Forbidden, match="different email address"):
        await invitations.accept_invitation(user_id=stranger.user_id, token=token_of(fresh.link))
    for garbage in ("", "x" * 500, "not-a-real-token"):
        with pytest.raises(NotFound, match="invalid"):
            await invitations.accept_invitation(user_id=invitee.user_id, token=garbage)

    joined = await invitations.accept_invitation(user_id=invitee.user_id, token=token_of(fresh.link))
    assert joined.org_id == team["owner"].org_id
    assert (await roles_of(ctx))[invitee.user_id] == Role.MEMBER
    with pytest.raises(NotFound, match="already been used"):
        await invitations.accept_invitation(user_id=invitee.user_id, token=token_of(fresh.link))
    assert await invitations.list_pending(ctx=ctx) == []


async def test_an_invitation_joins_only_its_own_organization_and_other_orgs_cannot_touch_it(team) -> None:
    other_owner, invitee = await person("otherorg"), await person("joiner")
    created = await invitations.create_invitation(
        ctx=await team["owner"].ctx(), email=invitee.email, role="viewer"
    )
    other_ctx = await other_owner.ctx()
    with pytest.raises(NotFound):
        await invitations.revoke_invitation(ctx=other_ctx, invitation_id=created.id)
    assert await invitations.list_pending(ctx=other_ctx) == []
    joined = await invitations.accept_invitation(user_id=invitee.user_id, token=token_of(created.link))
    user = await sessions.resolve_session(invitee.cookie)
    assert {m.org_id for m in user.memberships} == {invitee.org_id, joined.org_id}
    assert other_owner.org_id not in {m.org_id for m in user.memberships}
    with pytest.raises(Forbidden, match="no longer a member"):
        await invitee.ctx(other_owner.org_id)


async def test_revoking_an_invitation_makes_its_link_useless(team) -> None:
    invitee = await person("revoked")
    created = await invitations.create_invitation(
        ctx=await team["owner"].ctx(), email=invitee.email, role="viewer"
    )
    admin_ctx = await team["admin"].ctx(team["owner"].org_id)
    assert await invitations.revoke_invitation(ctx=admin_ctx, invitation_id=created.id) == invitee.email
    with pytest.raises(NotFound):
        await invitations.revoke_invitation(ctx=admin_ctx, invitation_id=created.id)
    with pytest.raises(NotFound, match="invalid"):
        await invitations.accept_invitation(user_id=invitee.user_id, token=token_of(created.link))


# ------------------------------------------------------------------ roles and the last-owner guard
async def test_role_matrix_owner_admin_member_viewer(team) -> None:
    org = team["owner"].org_id
    owner_ctx, admin_ctx = await team["owner"].ctx(), await team["admin"].ctx(org)
    member_ctx, viewer_ctx = await team["member"].ctx(org), await team["viewer"].ctx(org)
    # Everyone sees the whole member list with names and emails.
    for ctx in (owner_ctx, admin_ctx, member_ctx, viewer_ctx):
        listed = await members.list_members(ctx=ctx)
        assert [m.role for m in listed] == [Role.OWNER, Role.ADMIN, Role.MEMBER, Role.VIEWER]
        assert all(m.email and m.name for m in listed)
        assert sum(m.is_you for m in listed) == 1
    # Members and viewers change nothing.
    for ctx in (member_ctx, viewer_ctx):
        with pytest.raises(Forbidden, match="permission"):
            await members.change_role(ctx=ctx, user_id=team["viewer"].user_id, role="member")
        with pytest.raises(Forbidden, match="permission"):
            await members.remove_member(ctx=ctx, user_id=team["admin"].user_id)
    # Admins manage non-owners but never an owner, and cannot grant owner.
    assert (
        await members.change_role(ctx=admin_ctx, user_id=team["viewer"].user_id, role="member") == Role.MEMBER
    )
    with pytest.raises(Forbidden, match="Only an owner can change or remove another owner"):
        await members.change_role(ctx=admin_ctx, user_id=team["owner"].user_id, role="admin")
    with pytest.raises(Forbidden, match="Only an owner can change or remove another owner"):
        await members.remove_member(ctx=admin_ctx, user_id=team["owner"].user_id)
    with pytest.raises(Forbidden, match="Only an owner can make someone an owner"):
        await members.change_role(ctx=admin_ctx, user_id=team["member"].user_id, role="owner")
    # A forged context is refused by the database policies too.
    forged = replace(member_ctx, role=Role.OWNER)
    with pytest.raises(NotFound):
        await members.change_role(ctx=forged, user_id=team["viewer"].user_id, role="viewer")
    forged_admin = replace(admin_ctx, role=Role.OWNER)
    with pytest.raises((NotFound, Forbidden)):
        await members.remove_member(ctx=forged_admin, user_id=team["owner"].user_id)
    # A role change applies to the member's very next action.
    assert (
        await members.change_role(ctx=owner_ctx, user_id=team["admin"].user_id, role="viewer") == Role.VIEWER
    )
    demoted = await team["admin"].ctx(org)
    assert demoted.role == Role.VIEWER
    with pytest.raises(Forbidden):
        await invitations.create_invitation(ctx=demoted, email="late@example.test", role="viewer")
    with pytest.raises(Invalid):
        await members.change_role(ctx=owner_ctx, user_id=team["member"].user_id, role="superuser")
    with pytest.raises(NotFound):
        await members.change_role(ctx=owner_ctx, user_id="not-a-uuid", role="viewer")


async def test_last_owner_cannot_be_demoted_removed_or_leave_until_ownership_is_transferred(team) -> None:
    owner, admin_person = team["owner"], team["admin"]
    ctx = await owner.ctx()
    with pytest.raises(Conflict, match="at least one owner"):
        await members.change_role(ctx=ctx, user_id=owner.user_id, role="admin")
    with pytest.raises(Invalid, match="Leave organization"):
        await members.remove_member(ctx=ctx, user_id=owner.user_id)
    second = await person("second")
    await join(owner, second, "member")
    with pytest.raises(Conflict, match="at least one owner"):
        await members.leave_organization(ctx=await owner.ctx())
    with pytest.raises(Forbidden, match="permission to transfer ownership"):
        await members.transfer_ownership(ctx=await admin_person.ctx(owner.org_id), user_id=second.user_id)
    await members.transfer_ownership(ctx=await owner.ctx(), user_id=admin_person.user_id)
    roles = await roles_of(await admin_person.ctx(owner.org_id))
    assert roles[admin_person.user_id] == Role.OWNER and roles[owner.user_id] == Role.ADMIN
    # The former owner, now an admin, cannot touch the new owner; the new owner can remove them.
    with pytest.raises(Forbidden):
        await members.remove_member(ctx=await owner.ctx(), user_id=admin_person.user_id)
    await members.remove_member(ctx=await admin_person.ctx(owner.org_id), user_id=owner.user_id)
    with pytest.raises(Forbidden, match="no longer a member"):
        await owner.ctx(owner.org_id)


async def test_leaving_and_only_organization_rule(team) -> None:
    org = team["owner"].org_id
    await members.leave_organization(ctx=await team["viewer"].ctx(org))
    assert team["viewer"].user_id not in await roles_of(await team["owner"].ctx())
    member = team["member"]
    personal = await member.ctx()
    await organizations.delete_organization(
        ctx=personal, confirm_name=(await organizations.get_organization(ctx=personal)).name
    )
    with pytest.raises(Conflict, match="only organization"):
        await members.leave_organization(ctx=await member.ctx(org))
    assert member.user_id in await roles_of(await team["owner"].ctx())


# ------------------------------------------------------------------ organizations
async def test_rename_needs_admin_delete_needs_owner_and_the_exact_name(team) -> None:
    org = team["owner"].org_id
    with pytest.raises(Forbidden, match="rename"):
        await organizations.rename_organization(ctx=await team["member"].ctx(org), name="Nope")
    with pytest.raises(Invalid):
        await organizations.rename_organization(ctx=await team["admin"].ctx(org), name="   ")
    name = f"Renamed {uuid.uuid4().hex[:4]}"
    assert await organizations.rename_organization(ctx=await team["admin"].ctx(org), name=f" {name} ") == name
    with pytest.raises(Forbidden, match="delete this organization"):
        await organizations.delete_organization(ctx=await team["admin"].ctx(org), confirm_name=name)
    with pytest.raises(Invalid, match="type the organization name exactly") as wrong:
        await organizations.delete_organization(ctx=await team["owner"].ctx(), confirm_name=name.lower())
    assert wrong.value.field == "confirm_name"
    second = await organizations.create_organization(user_id=team["owner"].user_id, name="Side project")
    assert (await team["owner"].ctx(second)).role == Role.OWNER
    assert await organizations.delete_organization(ctx=await team["owner"].ctx(), confirm_name=name) == name
    with pytest.raises(Forbidden, match="no longer a member"):
        await team["member"].ctx(org)


# ------------------------------------------------------------------ profile
async def test_password_change_verifies_the_current_password_and_revokes_only_other_sessions() -> None:
    me = await person("pw")
    other_token = await accounts.log_in(email=me.email, password=PASSWORD)
    current = await sessions.resolve_session(me.cookie)
    with pytest.raises(Invalid) as wrong:
        await profile.change_password(
            user_id=me.user_id,
            current_jti=current.jti,
            current_password="Wrong-pass-1!",
            new_password="New-pass-123!",
        )
    assert wrong.value.field == "current_password"
    with pytest.raises(Invalid) as weak:
        await profile.change_password(
            user_id=me.user_id, current_jti=current.jti, current_password=PASSWORD, new_password="weak"
        )
    assert weak.value.field == "new_password"
    assert (await profile.get_profile(user_id=me.user_id, current_jti=current.jti)).other_sessions == 1
    revoked = await profile.change_password(
        user_id=me.user_id, current_jti=current.jti, current_password=PASSWORD, new_password="New-pass-123!"
    )
    assert revoked == 1
    await sessions.resolve_session(me.cookie)  # this device stays signed in
    with pytest.raises(Unauthenticated):
        await sessions.resolve_session(f"skopx_session={other_token}")
    with pytest.raises(Unauthenticated):
        await accounts.log_in(email=me.email, password=PASSWORD)
    assert await accounts.log_in(email=me.email, password="New-pass-123!")


async def test_display_name_is_cleaned_and_validated() -> None:
    me = await person("name")
    assert await profile.update_display_name(user_id=me.user_id, name="  Ada   Lovelace ") == "Ada Lovelace"
    with pytest.raises(Invalid):
        await profile.update_display_name(user_id=me.user_id, name="x" * 101)


async def test_delete_account_is_refused_while_sole_owner_of_a_team_then_allowed(team, admin) -> None:
    owner = team["owner"]
    with pytest.raises(Invalid, match="type your email"):
        await profile.delete_account(user_id=owner.user_id, confirm_email="someone@else.test")
    with pytest.raises(Conflict, match=r"only owner of .*other members"):
        await profile.delete_account(user_id=owner.user_id, confirm_email=owner.email)
    await members.transfer_ownership(ctx=await owner.ctx(), user_id=team["admin"].user_id)
    await profile.delete_account(user_id=owner.user_id, confirm_email=owner.email.upper())
    with pytest.raises(Unauthenticated):
        await sessions.resolve_session(owner.cookie)
    assert admin.execute("select 1 from organizations where id = %s", (owner.org_id,)).fetchone()
    # A personal workspace with nobody else in it goes with its owner.
    loner = await person("solo")
    await profile.delete_account(user_id=loner.user_id, confirm_email=loner.email)
    assert admin.execute("select 1 from organizations where id = %s", (loner.org_id,)).fetchone() is None


async def test_an_invitation_whose_inviter_was_demoted_shows_withdrawn_and_makes_way_for_a_new_one(
    team,
) -> None:
    owner, admin = team["owner"], team["admin"]
    guest = await person("guest")
    first = await invitations.create_invitation(
        ctx=await admin.ctx(owner.org_id), email=guest.email, role="member"
    )
    await members.change_role(ctx=await owner.ctx(), user_id=admin.user_id, role="member")

    pending = {i.email: i for i in await invitations.list_pending(ctx=await owner.ctx())}
    assert pending[guest.email].withdrawn
    with pytest.raises(NotFound):
        await invitations.accept_invitation(user_id=guest.user_id, token=first.link.rsplit("/", 1)[1])

    again = await invitations.create_invitation(ctx=await owner.ctx(), email=guest.email, role="member")
    assert not {i.email: i for i in await invitations.list_pending(ctx=await owner.ctx())}[
        guest.email
    ].withdrawn
    joined = await invitations.accept_invitation(user_id=guest.user_id, token=again.link.rsplit("/", 1)[1])
    assert joined.org_id == owner.org_id
