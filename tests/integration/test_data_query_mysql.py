"""Data queries on MariaDB (the MySQL engine): its types, EXPLAIN, statements sent past the guard,
lock waits and its own error messages. test_data_query.py holds the hostile statements and what
both engines share."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import pymysql
import pytest

from backend.dataquery import Statement, errors, mysql, run_query
from tests.integration.dataquery_targets import FAST, OUTFILE, Target, address_of, assert_safe

pytestmark = pytest.mark.dataquery


@pytest.fixture
def target(mysql_dq_target: Target) -> Target:
    assert not os.path.exists(OUTFILE), f"remove {OUTFILE} left by an earlier run"
    return mysql_dq_target


# ---------------------------------------------------------------- right answers


async def test_values_come_back_json_safe_with_their_type_families(target: Target) -> None:
    result = await run_query(target.reader, "select * from special order by id")

    assert [(column.name, column.type) for column in result.columns] == [
        ("id", "number"),
        ("nothing", "text"),
        ("small", "number"),
        ("big", "number"),
        ("exact", "number"),
        ("ratio", "number"),
        ("day", "date"),
        ("moment", "date"),
        ("clock", "date"),
        ("flag", "number"),  # MySQL's BOOLEAN is TINYINT(1)
        ("words", "text"),
        ("doc", "text"),  # MariaDB's JSON is LONGTEXT
        ("raw", "text"),
        ("bits", "number"),
    ]
    assert result.rows == [
        [
            1,
            None,
            42,
            "18446744073709551615",
            "12.50",
            0.25,
            "2024-02-29",
            "2024-02-29T13:14:15.500000",
            "-838:59:59",
            1,
            "Zoë 東京 🚀 שלום",
            '{"a": [1, "b", null]}',
            "<binary data, 3 bytes>",
            5,
        ],
        [2, None, None, 5, None, None, None, None, None, 0, "", None, None, None],
    ]
    json.dumps(result.rows, allow_nan=False)


async def test_explain_shows_the_plan(target: Target) -> None:
    result = await run_query(target.reader, "explain select * from customers where id = 7")

    assert "key" in [column.name for column in result.columns]
    assert result.rows[0][[column.name for column in result.columns].index("key")] == "PRIMARY"


# ---------------------------------------------------------------- hostile statements through the front door


@pytest.mark.usefixtures("unchanged")
async def test_a_quote_escaped_by_a_backslash_keeps_the_statement_whole(target: Target) -> None:
    result = await run_query(target.writer, "select 'a\\'; delete from orders; -- '")
    assert result.rows == [["a'; delete from orders; -- "]]


# ---------------------------------------------------------------- the database's own fence, the guard bypassed


@pytest.mark.usefixtures("unchanged")
async def test_a_second_statement_the_guard_never_saw_is_not_run(target: Target) -> None:
    with pytest.raises(errors.QueryFailed) as caught:
        await mysql.run(
            target.writer, Statement("select 1; delete from orders"), FAST, address_of(target.writer)
        )
    assert "SQL syntax" in caught.value.detail


@pytest.mark.usefixtures("unchanged")
async def test_an_outfile_the_guard_never_saw_is_not_written(target: Target) -> None:
    with pytest.raises(errors.QueryNotPermitted):
        await mysql.run(
            target.writer,
            Statement(f"select * from orders into outfile '{OUTFILE}'"),
            FAST,
            address_of(target.writer),
        )
    assert not os.path.exists(OUTFILE)


async def test_a_held_lock_is_waited_for_only_until_the_lock_timeout(target: Target) -> None:
    patient = dataclasses.replace(FAST, statement_timeout_s=5)
    holder = pymysql.connect(
        host=target.writer.host,
        port=target.writer.port,
        user=target.writer.user,
        password=target.writer.password,
        database=target.writer.database,
    )
    try:
        with holder.cursor() as cursor:
            cursor.execute("lock tables orders write")
        started = time.monotonic()
        with pytest.raises(errors.QueryTimedOut) as caught:
            await run_query(target.reader, "select count(*) from orders", limits=patient)
        assert time.monotonic() - started < 3
    finally:
        holder.close()
    assert "locked" in caught.value.detail


async def test_a_wrong_password_is_refused_without_being_shown(target: Target) -> None:
    wrong_password = dataclasses.replace(target.reader, password="Wrong-password-that-must-not-show")
    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(wrong_password, "select 1", limits=FAST)
    assert caught.value.detail == (
        "The database refused the user name or password. Check them in the connection settings."
    )
    assert_safe(caught.value, wrong_password)


async def test_query_errors_carry_the_database_s_own_words(target: Target) -> None:
    with pytest.raises(errors.QueryFailed) as caught:
        await run_query(target.reader, "select nme from customers")
    assert caught.value.detail == "The database couldn't run the query: Unknown column 'nme' in 'SELECT'"

    with pytest.raises(errors.QueryNotPermitted) as caught:
        await run_query(target.reader, "select * from secrets")
    assert "command denied" in caught.value.detail and "secrets" in caught.value.detail
