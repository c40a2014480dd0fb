"""Every length limit and every fixed vocabulary of stored values, in one table.

The CHECK constraints in sql/ decide what the database stores. Services, the sentences of
`backend.db.errors` and the tests read their numbers and words from here, and
tests/integration/test_limits_match_schema.py compares this table with the live constraints, so the
two cannot drift apart silently.

A `Length` counts characters (code points, as PostgreSQL's `length()` does). `min_len`/`max_len`
are what people may enter and are told; where the database would store more (`stored_max_len`),
the smaller number is the product's choice and the larger only the schema's ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Length:
    min_len: int
    max_len: int
    stored_max_len: int | None = None  # the CHECK's bound, when people may enter less than it allows

    @property
    def database_max_len(self) -> int:
        return self.stored_max_len or self.max_len


# ---------------------------------------------------------------- lengths people enter
DISPLAY_NAME = Length(1, 100)
ORGANIZATION_NAME = Length(1, 100)
PROJECT_NAME = Length(1, 100, stored_max_len=200)
PROJECT_DESCRIPTION = Length(0, 2_000, stored_max_len=5_000)
TASK_TITLE = Length(1, 300)
CONVERSATION_TITLE = Length(1, 200)
API_TOKEN_NAME = Length(1, 100)
# An empty message is refused on its own ("Type a message first."); replies may be empty while streaming.
CHAT_MESSAGE = Length(0, 32_000, stored_max_len=200_000)
EMAIL_MAX_LEN = 254
# Invitation tokens are about 43 characters; anything far longer is not one of ours.
INVITATION_TOKEN_MAX_LEN = 200

# ---------------------------------------------------------------- lengths only the schema bounds
ORGANIZATION_SLUG = Length(1, 48)
USER_AGENT = Length(0, 512)
BIO = Length(0, 2_000)
API_KEY_LAST4 = Length(1, 4)
API_TOKEN_PREFIX = Length(1, 16)
DATABASE_CONNECTION_NAME = Length(1, 100)
DATA_QUERY_TITLE = Length(1, 200)
DATA_QUERY_SQL = Length(1, 100_000)

# ---------------------------------------------------------------- vocabularies, in the schema's order
# The `org_role` enum, in privilege order: comparisons such as role >= 'admin' follow it.
ROLES = ("viewer", "member", "admin", "owner")
PROJECT_VISIBILITIES = ("shared", "private")
PROJECT_STATUSES = ("active", "archived")
TASK_STATUSES = ("todo", "doing", "done")
MESSAGE_ROLES = ("user", "assistant")
# `streaming` while a reply is written; `interrupted` when its end could not be saved in time.
MESSAGE_STATUSES = ("streaming", "complete", "stopped", "error", "interrupted")
BILLING_STATUSES = ("pending", "trialing", "active", "past_due", "canceled")
# Whose Anthropic key paid for a model call.
KEY_SOURCES = ("user", "server", "demo")
API_KEY_PROVIDERS = ("anthropic",)
INTEGRATION_PROVIDERS = ("github", "gitlab")
DATABASE_ENGINES = ("postgresql", "mysql", "sqlite")
AUDIT_ACTIONS = ("insert", "update", "delete")
# How long a new API token lives, in days: the choices offered, the default, and the schema's ceiling.
API_TOKEN_LIFETIMES_DAYS = (7, 30, 90, 365)
API_TOKEN_DEFAULT_DAYS = 30
# Live tokens one member may hold in one organization (sql/0011 holds it under concurrent creation).
API_TOKENS_PER_MEMBER = 50

# ---------------------------------------------------------------- queries on connected databases
# The engines and TLS modes `backend.dataquery` can connect with ("mysql" covers MariaDB too).
DATA_QUERY_ENGINES = ("postgresql", "mysql")
DATA_QUERY_TLS_MODES = ("disable", "prefer", "require", "verify-full")


@dataclass(frozen=True)
class QueryLimits:
    """What one query on a connected database may cost; the SQL text's length is `DATA_QUERY_SQL`."""

    statement_timeout_s: float  # the database stops the statement; the whole run is held to this too
    lock_timeout_s: float  # waiting for a lock another session holds
    connect_timeout_s: float
    max_rows: int  # rows returned; more are not fetched
    max_bytes: int  # result data returned (its text's characters; see dataquery.results); no more is fetched


DATA_QUERY_LIMITS = QueryLimits(
    statement_timeout_s=15,
    lock_timeout_s=5,
    connect_timeout_s=10,
    max_rows=5_000,
    max_bytes=5 * 1024 * 1024,
)

# ---------------------------------------------------------------- where the schema states each one
LENGTH_CONSTRAINTS: dict[str, Length] = {
    "users_display_name_length": DISPLAY_NAME,
    "organizations_name_length": ORGANIZATION_NAME,
    "organizations_slug_valid": ORGANIZATION_SLUG,
    "projects_name_length": PROJECT_NAME,
    "projects_description_length": PROJECT_DESCRIPTION,
    "tasks_title_length": TASK_TITLE,
    "conversations_title_length": CONVERSATION_TITLE,
    "messages_content_length": CHAT_MESSAGE,
    "sessions_user_agent_length": USER_AGENT,
    "user_profiles_bio_length": BIO,
    "user_api_keys_last4_length": API_KEY_LAST4,
    "api_tokens_name_length": API_TOKEN_NAME,
    "api_tokens_token_prefix_length": API_TOKEN_PREFIX,
    "database_connections_name_length": DATABASE_CONNECTION_NAME,
    "data_queries_title_length": DATA_QUERY_TITLE,
    "data_queries_sql_length": DATA_QUERY_SQL,
}
VOCABULARY_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "projects_visibility_valid": PROJECT_VISIBILITIES,
    "projects_status_valid": PROJECT_STATUSES,
    "tasks_status_valid": TASK_STATUSES,
    "messages_role_valid": MESSAGE_ROLES,
    "messages_status_valid": MESSAGE_STATUSES,
    "organization_billing_status_valid": BILLING_STATUSES,
    "usage_events_key_source_valid": KEY_SOURCES,
    "user_api_keys_provider_valid": API_KEY_PROVIDERS,
    "integrations_provider_valid": INTEGRATION_PROVIDERS,
    "database_connections_engine_valid": DATABASE_ENGINES,
    "audit_logs_action_valid": AUDIT_ACTIONS,
}
