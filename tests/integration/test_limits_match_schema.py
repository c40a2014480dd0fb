"""backend.limits agrees with the live schema: each length is the bound its CHECK constraint enforces, each
vocabulary the list its CHECK constraint allows, the roles the `org_role` enum; and every length or
vocabulary constraint in the schema appears in the table. A change on either side fails here."""

from __future__ import annotations

import re
import typing

import psycopg
import pytest
from psycopg import sql

from backend import limits
from backend.llm.titles import MAX_TITLE_CHARS
from backend.rbac import Role
from backend.services import api_keys, billing_access, chat, tasks

# The schema's other CHECK constraints: formats and arithmetic, neither a length nor a vocabulary.
OTHER_CHECKS = {
    "users_email_valid",  # lower case, one @-sign, and at most EMAIL_MAX_LEN characters (probed below)
    "invitations_email_valid",
    "users_password_hash_present",
    "user_profiles_avatar_url_valid",
    "sessions_expiry_after_creation",
    "invitations_token_hash_is_sha256_hex",
    "organization_billing_seats_positive",
    "repositories_full_name_valid",
    "messages_tokens_not_negative",
    "usage_events_tokens_not_negative",
    "api_tokens_token_hash_valid",
    "api_tokens_expiry_after_creation",
    "api_tokens_lifetime",  # a year and a day: the longest of API_TOKEN_LIFETIMES_DAYS fits (services test)
}
_QUOTED = re.compile(r"'((?:[^']|'')*)'::text")


def _check(admin: psycopg.Connection, name: str) -> dict:
    row = admin.execute(
        "select pg_get_constraintdef(c.oid) as definition,"
        " (select a.attname from pg_attribute a where a.attrelid = c.conrelid and a.attnum = c.conkey[1])"
        " as column_name"
        " from pg_constraint c join pg_namespace n on n.oid = c.connamespace"
        " where c.contype = 'c' and n.nspname = 'public' and c.conname = %s",
        (name,),
    ).fetchone()
    assert row is not None, f"the schema has no CHECK constraint {name}"
    return row


def _accepts(admin: psycopg.Connection, name: str, value: str) -> bool:
    """Whether the live constraint `name` lets `value` into its column: its own expression, evaluated."""
    check = _check(admin, name)
    expression = check["definition"].removeprefix("CHECK ").removesuffix(" NOT VALID")
    probe = sql.SQL("select {} as ok from (select %s::text as {}) probe").format(
        sql.SQL(expression), sql.Identifier(check["column_name"])
    )
    return admin.execute(probe, (value,)).fetchone()["ok"] is True


@pytest.mark.parametrize("name", sorted(limits.LENGTH_CONSTRAINTS))
def test_each_length_is_the_bound_of_its_check_constraint(admin: psycopg.Connection, name: str) -> None:
    length = limits.LENGTH_CONSTRAINTS[name]
    assert 0 <= length.min_len <= length.max_len <= length.database_max_len
    assert _accepts(admin, name, "x" * length.database_max_len)
    assert not _accepts(admin, name, "x" * (length.database_max_len + 1))
    assert _accepts(admin, name, "x" * length.min_len)
    if length.min_len:
        assert not _accepts(admin, name, "x" * (length.min_len - 1))


def test_the_email_length_is_the_bound_of_the_users_check(admin: psycopg.Connection) -> None:
    domain = "@example.test"
    assert _accepts(admin, "users_email_valid", "a" * (limits.EMAIL_MAX_LEN - len(domain)) + domain)
    assert not _accepts(admin, "users_email_valid", "a" * (limits.EMAIL_MAX_LEN + 1 - len(domain)) + domain)


@pytest.mark.parametrize("name", sorted(limits.VOCABULARY_CONSTRAINTS))
def test_each_vocabulary_is_the_list_of_its_check_constraint(admin: psycopg.Connection, name: str) -> None:
    vocabulary = limits.VOCABULARY_CONSTRAINTS[name]
    listed = tuple(v.replace("''", "'") for v in _QUOTED.findall(_check(admin, name)["definition"]))
    assert listed == vocabulary
    assert all(_accepts(admin, name, value) for value in vocabulary)
    assert not _accepts(admin, name, "not-" + vocabulary[0])


def test_the_roles_are_the_org_role_enum_in_privilege_order(admin: psycopg.Connection) -> None:
    live = admin.execute("select enum_range(null::public.org_role)::text[] as roles").fetchone()["roles"]
    assert tuple(live) == limits.ROLES == tuple(Role)


def test_every_length_and_vocabulary_check_of_the_schema_is_in_the_table(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select c.conname from pg_constraint c join pg_namespace n on n.oid = c.connamespace"
        " where c.contype = 'c' and n.nspname = 'public'"
    ).fetchall()
    live = {row["conname"] for row in rows}
    named = set(limits.LENGTH_CONSTRAINTS) | set(limits.VOCABULARY_CONSTRAINTS)
    assert not named & OTHER_CHECKS
    assert live == named | OTHER_CHECKS


def test_the_words_services_spell_out_are_in_the_vocabularies() -> None:
    assert tuple(tasks.STATUS_LABELS) == limits.TASK_STATUSES
    assert set(typing.get_args(chat.Status)) <= set(limits.MESSAGE_STATUSES)
    assert typing.get_args(api_keys.KeySource) == limits.KEY_SOURCES
    assert api_keys.PROVIDER in limits.API_KEY_PROVIDERS
    assert set(limits.BILLING_STATUSES) >= billing_access.FULL_ACCESS
    assert set(billing_access.INACTIVE_REASONS) <= set(limits.BILLING_STATUSES)
    assert limits.CONVERSATION_TITLE.max_len >= MAX_TITLE_CHARS
