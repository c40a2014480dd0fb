"""Data queries on a real PostgreSQL: right answers, and every hostile statement refused or bounded.

The hostile statements run as a role that may write, so that what stops them is the executor: the
guard, or the read-only transaction when the guard is bypassed on purpose (`postgres.run` with a
`Statement` made by hand). After each one, everything in the target database reads as before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from backend.dataquery import ConnectionConfig, Statement, errors, postgres, run_query
from backend.errors import AppError, Invalid
from backend.limits import DATA_QUERY_LIMITS
from tests.integration.dataquery_targets import (
    CUSTOMERS,
    FAST,
    FAST_CEILING_S,
    WIDE_ROW_CHARS,
    FreezingProxy,
    Target,
    assert_safe,
    free_port,
    postgres_fingerprint,
    postgres_target,
    silent_listener,
)

pytestmark = pytest.mark.dataquery


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with postgres_target() as created:
        yield created


@pytest.fixture(scope="module")
def pristine(target: Target) -> dict[str, Any]:
    return postgres_fingerprint(target.admin_url)


@pytest.fixture
def unchanged(target: Target, pristine: dict[str, Any]) -> Iterator[None]:
    yield
    assert postgres_fingerprint(target.admin_url) == pristine


# ---------------------------------------------------------------- right answers


async def test_values_come_back_json_safe_with_their_type_families(target: Target) -> None:
    result = await run_query(target.reader, "select * from special order by id")

    assert [(column.name, column.type) for column in result.columns] == [
        ("id", "number"),
        ("nothing", "text"),
        ("small", "number"),
        ("big", "number"),
        ("huge", "number"),
        ("exact", "number"),
        ("ratio", "number"),
        ("day", "date"),
        ("moment", "date"),
        ("clock", "date"),
        ("flag", "bool"),
        ("words", "text"),
        ("ident", "text"),
        ("doc", "other"),
        ("list", "other"),
        ("raw", "other"),
    ]
    first, second = result.rows
    moment = first.pop(8)
    assert moment.endswith(":00")  # a whole offset: JavaScript's Date reads "+00:00", not "+00"
    assert datetime.fromisoformat(moment) == datetime(2024, 2, 29, 13, 14, 15, 500_000, tzinfo=UTC)
    assert first == [
        1,
        None,
        42,
        "9007199254740993",  # beyond 2^53: a string, so no digit is lost in JavaScript
        "123456789012345678901234567890.123",
        "12.50",
        0.25,
        "2024-02-29",
        "23:59:58",
        True,
        "Zoë 東京 🚀 שלום",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        {"a": [1, "b", None]},
        [1, 2, 3],
        "<binary data, 3 bytes>",
    ]
    assert second == [
        2,
        None,
        None,
        -5,
        "NaN",
        None,
        "inf",
        None,
        None,
        None,
        False,
        "",
        None,
        None,
        None,
        None,
    ]
    assert (result.row_count, result.truncated, result.truncated_by) == (2, False, None)
    json.dumps(result.rows, allow_nan=False)


async def test_dates_beyond_python_s_range_come_back_as_postgresql_writes_them(target: Target) -> None:
    result = await run_query(
        target.reader,
        "select 'infinity'::date, '-infinity'::timestamptz, '0044-03-15 BC'::date, "
        "timestamp '2024-02-29 13:14:15', timestamptz '2024-02-29 13:14:15+05:30'",
    )
    assert result.rows[0][:4] == ["infinity", "-infinity", "0044-03-15 BC", "2024-02-29T13:14:15"]
    assert datetime.fromisoformat(result.rows[0][4]) == datetime(2024, 2, 29, 7, 44, 15, tzinfo=UTC)


async def test_a_table_of_thousands_of_rows_comes_back_whole(target: Target) -> None:
    result = await run_query(target.reader, "select id, name, email, active from customers order by id;")

    assert (result.row_count, result.truncated) == (CUSTOMERS, False)
    assert result.rows[0] == [1, "Customer 1", "c1@example.test", False]
    assert result.rows[9] == [10, "Customer 10", None, True]
    assert [row[0] for row in result.rows] == list(range(1, CUSTOMERS + 1))
    assert result.duration_ms >= 0


async def test_explain_shows_the_plan(target: Target) -> None:
    result = await run_query(target.reader, "explain select * from customers where id = 7")

    assert [column.name for column in result.columns] == ["QUERY PLAN"]
    assert "customers_pkey" in "\n".join(row[0] for row in result.rows)


async def test_explain_analyze_of_a_read_runs_it(target: Target) -> None:
    result = await run_query(target.reader, "explain (analyze, format json) select count(*) from orders")

    (plan,) = result.rows[0]
    assert plan[0]["Plan"]["Actual Rows"] == 1


# ---------------------------------------------------------------- caps


async def test_a_huge_result_stops_at_the_row_cap_without_reading_it_all(target: Target) -> None:
    started = time.monotonic()
    result = await run_query(
        target.reader, "select g, 'row ' || g as label from generate_series(1, 10000000) g"
    )

    assert time.monotonic() - started < 10
    assert (result.row_count, result.truncated, result.truncated_by) == (
        DATA_QUERY_LIMITS.max_rows,
        True,
        "rows",
    )
    assert result.rows[-1] == [DATA_QUERY_LIMITS.max_rows, f"row {DATA_QUERY_LIMITS.max_rows}"]


async def test_wide_rows_stop_at_the_byte_cap(target: Target) -> None:
    megabyte_rows = await run_query(
        target.reader, "select g, repeat('y', 1000000) from generate_series(1, 100) g"
    )
    assert (megabyte_rows.truncated, megabyte_rows.truncated_by) == (True, "bytes")
    assert megabyte_rows.row_count == 5  # 5 × ~1 MB fit in 5 MiB, the sixth doesn't
    assert sum(len(row[1]) for row in megabyte_rows.rows) <= DATA_QUERY_LIMITS.max_bytes

    ten_megabyte_rows = await run_query(target.reader, "select id, body from wide")
    assert (ten_megabyte_rows.row_count, ten_megabyte_rows.truncated_by) == (0, "bytes")

    roomy = dataclasses.replace(DATA_QUERY_LIMITS, max_bytes=25 * 1024 * 1024)
    two = await run_query(target.reader, "select id, body from wide order by id", limits=roomy)
    assert [len(row[1]) for row in two.rows] == [WIDE_ROW_CHARS, WIDE_ROW_CHARS]
    assert two.truncated_by == "bytes"


# ---------------------------------------------------------------- hostile statements through the front door

REFUSED = Invalid
READ_ONLY = errors.QueryNotPermitted
HOSTILE: list[Any] = [
    pytest.param("insert into orders (customer_id, amount) values (1, 1)", REFUSED, id="insert"),
    pytest.param("update customers set name = 'pwned'", REFUSED, id="update"),
    pytest.param("delete from orders", REFUSED, id="delete"),
    pytest.param(
        "merge into customers c using orders o on c.id = o.customer_id when matched then delete",
        REFUSED,
        id="merge",
    ),
    pytest.param("create table pwned (id int)", REFUSED, id="create"),
    pytest.param("drop table orders", REFUSED, id="drop"),
    pytest.param("alter table orders add column pwned int", REFUSED, id="alter"),
    pytest.param("truncate orders", REFUSED, id="truncate"),
    pytest.param("select 1; drop table orders", REFUSED, id="stacked"),
    pytest.param("select 1 /* */; delete from orders", REFUSED, id="comment-then-statement"),
    pytest.param("select 1 -- \n; delete from orders", REFUSED, id="line-comment-then-statement"),
    pytest.param("select 1 /* ; */ ; delete from orders /* ; */", REFUSED, id="semicolons-in-comments"),
    pytest.param("select $$;$$; delete from orders", REFUSED, id="dollar-quote-then-statement"),
    pytest.param("select 'a\\'; delete from orders; -- '", REFUSED, id="backslash-is-no-escape"),
    pytest.param("set transaction read write", REFUSED, id="set-transaction-read-write"),
    pytest.param(
        "set session characteristics as transaction read write", REFUSED, id="set-session-read-write"
    ),
    pytest.param("begin; delete from orders; commit", REFUSED, id="begin-delete-commit"),
    pytest.param("commit", REFUSED, id="commit"),
    pytest.param("rollback", REFUSED, id="rollback"),
    pytest.param("with d as (delete from orders returning *) select * from d", REFUSED, id="cte-delete"),
    pytest.param(
        "with u as (update customers set name = 'x' returning 1) select 1", REFUSED, id="cte-update"
    ),
    pytest.param("select * into pwned from orders", REFUSED, id="select-into"),
    pytest.param("copy orders to program 'id'", REFUSED, id="copy-to-program"),
    pytest.param("copy (select 1) to '/tmp/skopx_dq_copy'", REFUSED, id="copy-to-file"),
    pytest.param("select pg_sleep(60)", REFUSED, id="pg_sleep"),
    pytest.param("select pg_catalog.pg_sleep_for('1 minute')", REFUSED, id="pg_sleep_for-qualified"),
    pytest.param(
        "select * from dblink('dbname=postgres', 'delete from orders') as t(x text)", REFUSED, id="dblink"
    ),
    pytest.param("select pg_read_file('/etc/passwd')", REFUSED, id="pg_read_file"),
    pytest.param("select lo_import('/etc/passwd')", REFUSED, id="lo_import"),
    pytest.param(
        "select set_config('default_transaction_read_only', 'off', false)", REFUSED, id="set_config"
    ),
    pytest.param("select pg_terminate_backend(pid) from pg_stat_activity", REFUSED, id="terminate-backend"),
    pytest.param("select pg_advisory_lock(1)", REFUSED, id="advisory-lock"),
    pytest.param("select query_to_xml('delete from orders', true, true, '')", REFUSED, id="query_to_xml"),
    pytest.param("select * from orders for update", REFUSED, id="for-update"),
    pytest.param("set role postgres", REFUSED, id="set-role"),
    pytest.param("reset session authorization", REFUSED, id="reset-session-authorization"),
    pytest.param("explain analyze delete from orders", REFUSED, id="explain-analyze-delete"),
    pytest.param("do $$ begin delete from orders; end $$", REFUSED, id="do-block"),
    pytest.param("lock table orders", REFUSED, id="lock-table"),
    pytest.param("vacuum orders", REFUSED, id="vacuum"),
    pytest.param("prepare p as delete from orders", REFUSED, id="prepare"),
    pytest.param("select 1\x00; delete from orders", REFUSED, id="nul"),
    pytest.param("select '\x1b[2J'", REFUSED, id="escape-character"),
    pytest.param("select 1\u0085", REFUSED, id="c1-control"),
    # The guard can't know these write; the read-only transaction refuses them.
    pytest.param("select write_something()", READ_ONLY, id="function-that-writes"),
    pytest.param(
        "explain analyze select write_something()", READ_ONLY, id="explain-analyze-function-that-writes"
    ),
    pytest.param("select nextval('orders_id_seq')", READ_ONLY, id="nextval"),
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("sql", "refusal"), HOSTILE)
async def test_hostile_statements_are_refused_and_change_nothing(
    target: Target, sql: str, refusal: type[AppError]
) -> None:
    with pytest.raises(refusal) as caught:
        await run_query(target.writer, sql, limits=FAST)
    assert_safe(caught.value, target.writer)


async def test_refusals_say_what_to_do(target: Target) -> None:
    with pytest.raises(Invalid) as stacked:
        await run_query(target.writer, "select 1; drop table orders")
    assert (
        stacked.value.detail
        == "Only one SELECT statement can run; remove the second statement after the ';'."
    )
    assert stacked.value.field == "sql"

    with pytest.raises(errors.QueryNotPermitted) as writes:
        await run_query(target.writer, "select write_something()")
    assert writes.value.detail.startswith("This query tries to change data, and data queries can only read")
    assert "read-only transaction" in writes.value.detail


# ---------------------------------------------------------------- the database's own fence, the guard bypassed

BYPASSED = [
    "insert into orders (customer_id, amount) values (1, 1)",
    "update customers set name = 'pwned'",
    "delete from orders",
    "truncate orders",
    "create table pwned (id int)",
    "drop table wide",
    "select write_something()",
    "select nextval('orders_id_seq')",
    "select * into pwned from orders",
    "with d as (delete from orders returning *) select * from d",
    "select lo_import('/etc/passwd')",
    "select 1; delete from orders",
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("explain", [False, True], ids=["declared-cursor", "plain-cursor"])
@pytest.mark.parametrize("sql", BYPASSED)
async def test_the_database_refuses_writes_the_guard_never_saw(
    target: Target, sql: str, explain: bool
) -> None:
    with pytest.raises(errors.DataQueryError) as caught:
        await postgres.run(target.writer, Statement(sql, explain=explain), FAST)
    assert_safe(caught.value, target.writer)


@pytest.mark.usefixtures("unchanged")
async def test_plain_writes_meet_the_read_only_transaction(target: Target) -> None:
    for sql in BYPASSED[:8]:
        with pytest.raises(errors.QueryNotPermitted) as caught:
            await postgres.run(target.writer, Statement(sql, explain=True), FAST)
        assert "read-only transaction" in caught.value.detail, sql


async def test_sleeping_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut) as caught:
        await postgres.run(target.writer, Statement("select pg_sleep(60)"), FAST)
    assert time.monotonic() - started < 4
    assert caught.value.detail.startswith("The query ran longer than 1 seconds and was stopped.")


async def test_a_slow_query_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut):
        await run_query(
            target.reader,
            "select count(*) from generate_series(1, 100000000) a, generate_series(1, 10) b",
            limits=FAST,
        )
    assert time.monotonic() - started < 4


async def test_a_held_lock_is_waited_for_only_until_the_lock_timeout(target: Target) -> None:
    patient = dataclasses.replace(FAST, statement_timeout_s=5)
    with psycopg.connect(target.admin_url) as holder:
        holder.execute("lock table orders in access exclusive mode")
        started = time.monotonic()
        with pytest.raises(errors.QueryTimedOut) as caught:
            await run_query(target.reader, "select count(*) from orders", limits=patient)
        holder.rollback()
    assert time.monotonic() - started < 3
    assert "locked" in caught.value.detail


async def test_a_server_whose_answers_stop_coming_is_given_up_on_at_the_wall_clock_limit(
    target: Target,
) -> None:
    async with FreezingProxy(target.reader.host, target.reader.port, b"freeze-here") as proxy:
        config = dataclasses.replace(target.reader, port=proxy.port)
        assert (await run_query(config, "select 1", limits=FAST)).rows == [[1]]
        started = time.monotonic()
        with pytest.raises(errors.QueryTimedOut):
            await run_query(config, "select 'freeze-here'", limits=FAST)
        assert time.monotonic() - started < FAST_CEILING_S


# ---------------------------------------------------------------- errors a person can act on


async def test_connection_errors_say_what_to_check(target: Target) -> None:
    def config(**changes: Any) -> ConnectionConfig:
        return dataclasses.replace(target.reader, **changes)

    refused = config(port=free_port())
    with pytest.raises(errors.DatabaseUnreachable) as caught:
        await run_query(refused, "select 1", limits=FAST)
    assert caught.value.detail.startswith(
        f"Couldn't connect to the database at 127.0.0.1:{refused.port}: the "
    )
    assert_safe(caught.value, refused)

    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(config(database="skopx_dq_missing"), "select 1", limits=FAST)
    assert "no database named skopx_dq_missing" in caught.value.detail

    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(config(user="skopx_dq_nobody"), "select 1", limits=FAST)
    assert 'role "skopx_dq_nobody" does not exist' in caught.value.detail
    assert_safe(caught.value, target.reader)

    with pytest.raises(errors.DatabaseTlsFailed) as caught:
        await run_query(config(tls="require"), "select 1", limits=FAST)
    assert "server does not support SSL" in caught.value.detail

    with silent_listener() as port:
        started = time.monotonic()
        with pytest.raises(errors.DatabaseUnreachable) as caught:
            await run_query(config(port=port), "select 1", limits=FAST)
        assert time.monotonic() - started < FAST_CEILING_S
    assert "didn't answer within 2 seconds" in caught.value.detail


async def test_query_errors_carry_the_database_s_own_words(target: Target) -> None:
    with pytest.raises(errors.QueryFailed) as caught:
        await run_query(target.reader, "select nme from customers")
    assert caught.value.detail.startswith('The database couldn\'t run the query: column "nme" does not exist')

    with pytest.raises(errors.QueryNotPermitted) as caught:
        await run_query(target.reader, "select * from secrets")
    assert "permission denied for table secrets" in caught.value.detail
    assert "the reader may not see this" not in caught.value.detail

    with pytest.raises(errors.QueryFailed) as caught:
        await run_query(target.reader, "select interval '100000000 years'")
    assert "cast that column to text" in caught.value.detail


async def test_many_queries_at_once_each_get_their_own_connection(target: Target) -> None:
    results = await asyncio.gather(
        *(run_query(target.reader, f"select count(*) + {n} from orders") for n in range(10))
    )
    assert [result.rows for result in results] == [[[4_000 + n]] for n in range(10)]
