"""BYOK keys through backend.services.api_keys against the real schema: storage as skopx_service only,
encryption bound to user and row, a redacted audit trail, resolution order, and no key in any log."""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import string

import psycopg
import pytest
from psycopg import errors

from backend.config import Settings, get_settings
from backend.crypto import DecryptionError, decrypt
from backend.errors import Invalid, Unavailable
from backend.llm.demo.server import start_fake_anthropic
from backend.services import api_keys
from backend.services.api_keys import ADD_KEY_MESSAGE, ApiKeyRequired, ApiKeyUnreadable
from tests.integration.world import World

_ALPHABET = string.ascii_letters + string.digits + "-_"
SERVER_KEY = "sk-ant-server-" + "s" * 40


def fake_key() -> str:
    return "sk-ant-api03-" + "".join(secrets.choice(_ALPHABET) for _ in range(60)) + "AAzz"


def configured(**overrides) -> Settings:
    """Settings for the service: no server key and no demo model unless `overrides` say so."""
    return dataclasses.replace(get_settings(), **{"anthropic_api_key": None, "fake_llm": False, **overrides})


def _rows(admin: psycopg.Connection, user_id) -> list[dict]:
    return admin.execute("select * from user_api_keys where user_id = %s", (user_id,)).fetchall()


async def test_store_replace_and_delete_keep_one_key_per_provider(admin, world: World) -> None:
    user = str(world.a.users["member"])
    first, second = fake_key(), fake_key()
    assert await api_keys.describe_anthropic_key(user_id=user) is None

    saved = await api_keys.save_anthropic_key(user_id=user, api_key=f"  {first}\n", verify=False)
    assert (saved.replaced, saved.verified) == (False, False)
    assert saved.summary.masked == f"sk-ant-****{first[-4:]}" and saved.summary.provider == "anthropic"
    [row] = _rows(admin, user)
    assert row["key_last4"] == first[-4:]

    replaced = await api_keys.save_anthropic_key(user_id=user, api_key=second, verify=False)
    assert replaced.replaced
    [again] = _rows(admin, user)  # still one row: replaced in place, same id, same creation time
    assert (again["id"], again["created_at"]) == (row["id"], row["created_at"])
    assert again["updated_at"] > row["updated_at"] and again["key_ciphertext"] != row["key_ciphertext"]
    summary = await api_keys.describe_anthropic_key(user_id=user)
    assert summary is not None and summary.masked == f"sk-ant-****{second[-4:]}"
    assert summary.created_at == row["created_at"] and summary.updated_at == again["updated_at"]
    assert (await api_keys.resolve_anthropic_key(user_id=user, settings=configured())).api_key == second

    assert await api_keys.delete_anthropic_key(user_id=user) is True
    assert _rows(admin, user) == [] and await api_keys.describe_anthropic_key(user_id=user) is None
    assert await api_keys.delete_anthropic_key(user_id=user) is False


async def test_keys_are_per_user(admin, world: World) -> None:
    alice, bob = str(world.a.users["admin"]), str(world.a.users["viewer"])
    key_a, key_b = fake_key(), fake_key()
    await api_keys.save_anthropic_key(user_id=alice, api_key=key_a, verify=False)
    await api_keys.save_anthropic_key(user_id=bob, api_key=key_b, verify=False)
    assert (await api_keys.resolve_anthropic_key(user_id=alice)).api_key == key_a
    assert (await api_keys.resolve_anthropic_key(user_id=bob)).api_key == key_b
    await api_keys.delete_anthropic_key(user_id=bob)
    assert len(_rows(admin, alice)) == 1 and _rows(admin, bob) == []
    await api_keys.delete_anthropic_key(user_id=alice)


@pytest.mark.parametrize(
    "statement",
    [
        "select count(*) from user_api_keys",
        "select key_last4 from user_api_keys",
        "insert into user_api_keys (user_id, key_ciphertext, key_last4) values (app.current_user_id(), 'c', 'abcd')",
        "update user_api_keys set key_last4 = 'x'",
        "delete from user_api_keys",
    ],
)
def test_the_app_role_has_no_access_at_all(connect_as, world: World, statement: str) -> None:
    conn = connect_as("app", world.a.users["owner"])
    with pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement)


async def test_the_ciphertext_is_not_the_key_and_opens_only_with_its_own_binding(admin, world: World) -> None:
    user, other = str(world.a.users["owner"]), str(world.a.users["member"])
    key = fake_key()
    await api_keys.save_anthropic_key(user_id=user, api_key=key, verify=False)
    [row] = _rows(admin, user)
    token = row["key_ciphertext"]
    assert token.startswith("v2:") and key not in token and key[13:] not in token
    assert key not in json.dumps(row, default=str)
    assert decrypt("apikeys", token, scope_id=user, row_id=row["id"]).decode() == key
    for scope_id, row_id in ((other, row["id"]), (user, world.a.id), (row["id"], user)):
        with pytest.raises(DecryptionError):
            decrypt("apikeys", token, scope_id=scope_id, row_id=row_id)
    with pytest.raises(DecryptionError):
        decrypt("oauth", token, scope_id=user, row_id=row["id"])

    # A ciphertext moved onto another user's row opens for no one: resolution refuses it, without the key.
    await api_keys.save_anthropic_key(user_id=other, api_key=fake_key(), verify=False)
    admin.execute("update user_api_keys set key_ciphertext = %s where user_id = %s", (token, other))
    with pytest.raises(ApiKeyUnreadable) as caught:
        await api_keys.resolve_anthropic_key(user_id=other)
    assert key not in caught.value.detail
    for who in (user, other):
        await api_keys.delete_anthropic_key(user_id=who)


async def test_every_audit_entry_of_a_key_is_attributed_and_carries_no_secret(admin, world: World) -> None:
    user = str(world.b.users["member"])
    keys = [fake_key(), fake_key()]
    for key in keys:
        await api_keys.save_anthropic_key(user_id=user, api_key=key, verify=False)
    [row] = _rows(admin, user)
    await api_keys.delete_anthropic_key(user_id=user)
    entries = admin.execute(
        "select * from audit_logs where table_name = 'user_api_keys' and row_id = %s order by seq",
        (str(row["id"]),),
    ).fetchall()
    assert [e["action"] for e in entries] == ["insert", "update", "delete"]
    assert all(e["actor_id"] == world.b.users["member"] for e in entries)
    deleted = entries[-1]
    assert deleted["new_values"] is None and deleted["old_values"]["key_ciphertext"] == "[redacted]"
    assert deleted["old_values"]["user_id"] == user
    dumped = json.dumps(entries, default=str)
    assert row["key_ciphertext"] not in dumped
    for key in keys:
        assert key not in dumped and key[7:] not in dumped


async def test_resolution_prefers_the_users_key_then_the_server_then_the_demo(world: World) -> None:
    user = str(world.outsider)
    key = fake_key()
    await api_keys.save_anthropic_key(user_id=user, api_key=key, verify=False)
    server_and_demo = configured(anthropic_api_key=SERVER_KEY, fake_llm=True)
    own = await api_keys.resolve_anthropic_key(user_id=user, settings=server_and_demo)
    assert (own.source, own.api_key) == ("user", key)
    assert key not in repr(own) and key not in str(own) and "user" in repr(own)

    await api_keys.delete_anthropic_key(user_id=user)
    server = await api_keys.resolve_anthropic_key(user_id=user, settings=server_and_demo)
    assert (server.source, server.api_key) == ("server", SERVER_KEY) and SERVER_KEY not in repr(server)
    assert api_keys.fallback_source(settings=server_and_demo) == "server"

    demo_only = configured(fake_llm=True)
    assert (await api_keys.resolve_anthropic_key(user_id=user, settings=demo_only)).source == "demo"
    assert api_keys.fallback_source(settings=demo_only) == "demo"

    neither = configured()
    with pytest.raises(ApiKeyRequired) as caught:
        await api_keys.resolve_anthropic_key(user_id=user, settings=neither)
    assert (
        caught.value.detail == ADD_KEY_MESSAGE == "Add your Anthropic API key in Settings to start chatting."
    )
    assert api_keys.fallback_source(settings=neither) is None


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ("", "Enter your Anthropic API key."),
        ("sk-proj-" + "x" * 50, "start with"),
        ("sk-ant-short", "complete Anthropic API key"),
        ("sk-ant-api03-" + "x" * 40 + " " + "y" * 10, "characters an Anthropic API key never has"),
    ],
)
async def test_malformed_keys_are_refused_in_place_without_echo(
    admin, world: World, candidate, message
) -> None:
    user = str(world.a.users["viewer"])
    with pytest.raises(Invalid, match=message) as caught:
        await api_keys.save_anthropic_key(user_id=user, api_key=candidate, verify=False)
    assert caught.value.field == "api_key"
    assert not candidate.strip() or candidate.strip() not in caught.value.detail
    assert _rows(admin, user) == []


async def test_verification_and_logs_never_carry_the_key(admin, world: World, caplog) -> None:
    user = str(world.b.users["viewer"])
    good, rejected = fake_key(), fake_key()
    caplog.set_level(logging.DEBUG)
    with start_fake_anthropic(valid_keys=(good,)) as fake:
        reachable = configured(anthropic_base_url=fake.base_url)
        with pytest.raises(Invalid, match="Anthropic rejected this key") as caught:
            await api_keys.save_anthropic_key(user_id=user, api_key=rejected, verify=True, settings=reachable)
        assert caught.value.field == "api_key" and _rows(admin, user) == []
        saved = await api_keys.save_anthropic_key(user_id=user, api_key=good, verify=True, settings=reachable)
        assert saved.verified and len(_rows(admin, user)) == 1
    unreachable_url = configured(anthropic_base_url="http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(Unavailable, match="couldn't reach Anthropic") as unreachable:
        await api_keys.save_anthropic_key(
            user_id=user, api_key=rejected, verify=True, settings=unreachable_url
        )
    assert (await api_keys.resolve_anthropic_key(user_id=user)).api_key == good  # the old key stays
    await api_keys.delete_anthropic_key(user_id=user)

    texts = [caplog.text, caught.value.detail, unreachable.value.detail, repr(caught.value)]
    texts += [str(record.args) for record in caplog.records] + [
        repr(record.__dict__) for record in caplog.records
    ]
    assert any("stored anthropic API key" in record.getMessage() for record in caplog.records)
    for secret in (good, rejected):
        for text in texts:
            assert secret not in text and secret[13:] not in text
