"""Data queries on PostgreSQL: its types, EXPLAIN, writes sent past the guard in either cursor, lock
waits and its own error messages. test_data_query.py holds the hostile statements and what both
engines share."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime

import psycopg
import pytest

from backend.dataquery import Statement, errors, postgres, run_query
from tests.integration.dataquery_targets import FAST, Target, address_of, assert_safe

pytestmark = pytest.mark.dataquery


@pytest.fixture
def target(postgresql_dq_target: Target) -> Target:
    return postgresql_dq_target


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


async def test_explain_shows_the_plan(target: Target) -> None:
    result = await run_query(target.reader, "explain select * from customers where id = 7")

    assert [column.name for column in result.columns] == ["QUERY PLAN"]
    assert "customers_pkey" in "\n".join(row[0] for row in result.rows)


async def test_explain_analyze_of_a_read_runs_it(target: Target) -> None:
    result = await run_query(target.reader, "explain (analyze, format json) select count(*) from orders")

    (plan,) = result.rows[0]
    assert plan[0]["Plan"]["Actual Rows"] == 1


# ---------------------------------------------------------------- hostile statements through the front door


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
        await postgres.run(target.writer, Statement(sql, explain=explain), FAST, address_of(target.writer))
    assert_safe(caught.value, target.writer)


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


async def test_an_unknown_role_is_named(target: Target) -> None:
    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(dataclasses.replace(target.reader, user="skopx_dq_nobody"), "select 1", limits=FAST)
    assert 'role "skopx_dq_nobody" does not exist' in caught.value.detail
    assert_safe(caught.value, target.reader)


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
