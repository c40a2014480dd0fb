"""Database errors as user-safe `AppError`s.

`translate(error)` is the one mapping from a psycopg error to a sentence a user can read. It
never echoes the database's own text (which can carry key values). A foreign-key violation is
always "not found", whether the referenced row is missing or belongs to another organization,
so the error is no oracle for other tenants' ids.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pg

from backend.errors import AppError, Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from backend.limits import (
    CONVERSATION_TITLE,
    DATA_QUERY_SQL,
    DATA_QUERY_TITLE,
    DATABASE_CONNECTION_NAME,
    DISPLAY_NAME,
    ORGANIZATION_NAME,
    ORGANIZATION_SLUG,
    PROJECT_DESCRIPTION,
    PROJECT_NAME,
    TASK_TITLE,
    Length,
)

# Custom SQLSTATEs raised by sql/0004, sql/0005 and sql/0011.
LAST_OWNER = "SX001"
AUDIT_IMMUTABLE = "SX002"
INVITATION_INVALID = "SX003"
NOT_SIGNED_IN = "SX004"
TOO_MANY_API_TOKENS = "SX005"

FORBIDDEN = "You don't have permission to do that."
NOT_FOUND = "We couldn't find that. It may have been deleted, or you may not have access to it."
UNSTORABLE_TEXT = (
    "One of the values contains a character that can't be stored (such as a control character). "
    "Remove it and try again."
)

UNIQUE_SENTENCES: dict[str, tuple[str | None, str]] = {
    "users_email_key": ("email", "An account with this email address already exists."),
    "organizations_slug_key": ("slug", "That workspace address is already taken. Please choose another."),
    "organization_members_pkey": (None, "This person is already a member of the organization."),
    "invitations_pending_email_key": ("email", "This person already has a pending invitation."),
    "repositories_integration_full_name_key": ("full_name", "This repository is already connected."),
    "database_connections_name_key": ("name", "A database connection with this name already exists."),
    "user_api_keys_user_provider_key": ("provider", "You already have a key for this provider."),
    "organization_billing_pkey": (None, "This organization already has a billing record."),
    "stripe_events_pkey": (None, "This event was already processed."),
    "api_tokens_token_hash_key": (None, "That token could not be created. Please try again."),
}


def _between(length: Length) -> str:
    return f"between {length.min_len:,} and {length.max_len:,} characters"


# The limits quoted are those people are told when they type (backend.limits), even where the
# database's own bound is higher: this sentence stands in for the service's when a check fires.
CHECK_SENTENCES: dict[str, tuple[str | None, str]] = {
    "users_email_valid": ("email", "Please enter a valid email address."),
    "invitations_email_valid": ("email", "Please enter a valid email address."),
    "users_display_name_length": ("display_name", f"Your name must be {_between(DISPLAY_NAME)}."),
    "organizations_name_length": ("name", f"The organization name must be {_between(ORGANIZATION_NAME)}."),
    "organizations_slug_valid": (
        "slug",
        "The workspace address may use lowercase letters, digits and dashes "
        f"(up to {ORGANIZATION_SLUG.max_len} characters).",
    ),
    "projects_name_length": ("name", f"The project name must be {_between(PROJECT_NAME)}."),
    "projects_description_length": (
        "description",
        f"The description is too long ({PROJECT_DESCRIPTION.max_len:,} characters at most).",
    ),
    "projects_visibility_valid": ("visibility", "A project is either shared or private."),
    "projects_status_valid": ("status", "A project is either active or archived."),
    "tasks_title_length": ("title", f"The task title must be {_between(TASK_TITLE)}."),
    "tasks_status_valid": ("status", "A task is to do, doing or done."),
    "conversations_title_length": ("title", f"The title must be {_between(CONVERSATION_TITLE)}."),
    "messages_content_length": ("content", "This message is too long."),
    "database_connections_name_length": (
        "name",
        f"The connection name must be {_between(DATABASE_CONNECTION_NAME)}.",
    ),
    "data_queries_title_length": ("title", f"The query title must be {_between(DATA_QUERY_TITLE)}."),
    "data_queries_sql_length": (
        "sql_text",
        f"The query must not be empty or longer than {DATA_QUERY_SQL.max_len:,} characters.",
    ),
    "repositories_full_name_valid": ("full_name", "Repository names look like owner/name."),
    "user_profiles_avatar_url_valid": ("avatar_url", "The picture address must start with https://."),
}

CUSTOM: dict[str, type[AppError]] = {
    LAST_OWNER: Conflict,
    AUDIT_IMMUTABLE: Forbidden,
    INVITATION_INVALID: NotFound,
    NOT_SIGNED_IN: Unauthenticated,
    TOO_MANY_API_TOKENS: Conflict,
}


def _constraint(error: psycopg.Error) -> str:
    return (error.diag.constraint_name or "") if error.diag else ""


def _unstorable_text(error: psycopg.Error) -> bool:
    """NUL, or bytes invalid in the database's encoding. psycopg refuses NUL in a text parameter itself,
    before sending, with a DataError that has no SQLSTATE; its other client-side DataErrors (mostly
    about parsing results) stay unexpected."""
    if isinstance(error, pg.CharacterNotInRepertoire | pg.UntranslatableCharacter):
        return True
    return isinstance(error, psycopg.DataError) and error.sqlstate is None and "NUL" in str(error)


def translate(
    error: psycopg.Error, *, forbidden: str | None = None, not_found: str | None = None
) -> AppError | None:
    """The AppError to show for `error`, or None for an unexpected error (a bug: log it, show a generic
    message). `forbidden` / `not_found` give a more specific sentence for the action at hand."""
    state = error.sqlstate or ""
    if state in CUSTOM:
        # Our own raise statements carry sentences written for users.
        return CUSTOM[state](error.diag.message_primary)
    if isinstance(error, pg.InsufficientPrivilege):
        return Forbidden(forbidden or FORBIDDEN)
    if isinstance(error, pg.ForeignKeyViolation | pg.InvalidTextRepresentation):
        return NotFound(not_found or NOT_FOUND)
    if isinstance(error, pg.UniqueViolation):
        field, sentence = UNIQUE_SENTENCES.get(_constraint(error), (None, Conflict.default_detail))
        return Conflict(sentence, field=field)
    if isinstance(error, pg.CheckViolation):
        field, sentence = CHECK_SENTENCES.get(
            _constraint(error), (None, "Please check the values you entered.")
        )
        return Invalid(sentence, field=field)
    if isinstance(error, pg.NotNullViolation):
        column = error.diag.column_name if error.diag else None
        return Invalid("Please fill in every required field.", field=column)
    if _unstorable_text(error):
        return Invalid(UNSTORABLE_TEXT)
    if isinstance(error, pg.StringDataRightTruncation | pg.NumericValueOutOfRange):
        return Invalid("One of the values is too long or too large.")
    return None


def expect_row(row: Any, *, not_found: str | None = None) -> Any:
    """RLS hides rows instead of failing: a missing row is reported as not found."""
    if row is None:
        raise NotFound(not_found or NOT_FOUND)
    return row


def expect_rowcount(cursor: Any, *, not_found: str | None = None) -> int:
    """An UPDATE/DELETE that RLS filtered to zero rows is 'not found', never a silent success."""
    if not cursor.rowcount:
        raise NotFound(not_found or NOT_FOUND)
    return int(cursor.rowcount)
