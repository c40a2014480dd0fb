"""Data queries on a real MariaDB (the MySQL engine): right answers, hostile statements refused or bounded.

As for PostgreSQL, the hostile statements run as a user that may write, once through the front door
and once with the guard bypassed (`mysql.run` with a `Statement` made by hand), and after each one
every table's checksum, the schema's tables and routines, the accounts and the server's /tmp read as
before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest

from backend.dataquery import ConnectionConfig, Statement, errors, mysql, run_query
from backend.errors import AppError, Invalid
from backend.limits import DATA_QUERY_LIMITS
from tests.integration.dataquery_targets import (
    CUSTOMERS,
    FAST,
    FAST_CEILING_S,
    OUTFILE,
    FreezingProxy,
    Target,
    assert_safe,
    free_port,
    mysql_fingerprint,
    mysql_target,
    silent_listener,
)

pytestmark = pytest.mark.dataquery


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with mysql_target() as created:
        yield created


@pytest.fixture(scope="module")
def pristine(target: Target) -> dict[str, Any]:
    fingerprint = mysql_fingerprint(target.name)
    assert not fingerprint["outfile"], f"remove {OUTFILE} left by an earlier run"
    return fingerprint


@pytest.fixture
def unchanged(target: Target, pristine: dict[str, Any]) -> Iterator[None]:
    yield
    assert mysql_fingerprint(target.name) == pristine


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


async def test_a_table_of_thousands_of_rows_comes_back_whole(target: Target) -> None:
    result = await run_query(target.reader, "select id, name, email, active from customers order by id;")

    assert (result.row_count, result.truncated) == (CUSTOMERS, False)
    assert result.rows[0] == [1, "Customer 1", "c1@example.test", 0]
    assert result.rows[9] == [10, "Customer 10", None, 1]
    assert [row[0] for row in result.rows] == list(range(1, CUSTOMERS + 1))


async def test_explain_shows_the_plan(target: Target) -> None:
    result = await run_query(target.reader, "explain select * from customers where id = 7")

    assert "key" in [column.name for column in result.columns]
    assert result.rows[0][[column.name for column in result.columns].index("key")] == "PRIMARY"


# ---------------------------------------------------------------- caps


async def test_a_huge_result_stops_at_the_row_cap_without_reading_it_all(target: Target) -> None:
    started = time.monotonic()
    result = await run_query(target.writer, "select seq, concat('row ', seq) as label from seq_1_to_10000000")

    assert time.monotonic() - started < 10
    assert (result.row_count, result.truncated, result.truncated_by) == (
        DATA_QUERY_LIMITS.max_rows,
        True,
        "rows",
    )
    assert result.rows[-1] == [DATA_QUERY_LIMITS.max_rows, f"row {DATA_QUERY_LIMITS.max_rows}"]


async def test_wide_rows_stop_at_the_byte_cap(target: Target) -> None:
    megabyte_rows = await run_query(target.writer, "select seq, repeat('y', 1000000) from seq_1_to_100")
    assert (megabyte_rows.row_count, megabyte_rows.truncated_by) == (5, "bytes")

    ten_megabyte_rows = await run_query(target.reader, "select id, body from wide")
    assert (ten_megabyte_rows.row_count, ten_megabyte_rows.truncated_by) == (0, "bytes")


# ---------------------------------------------------------------- hostile statements through the front door

REFUSED = Invalid
READ_ONLY = errors.QueryNotPermitted
HOSTILE: list[Any] = [
    pytest.param("insert into orders (customer_id, amount) values (1, 1)", REFUSED, id="insert"),
    pytest.param("replace into customers (id, name) values (1, 'pwned')", REFUSED, id="replace"),
    pytest.param("update customers set name = 'pwned'", REFUSED, id="update"),
    pytest.param("delete from orders", REFUSED, id="delete"),
    pytest.param("create table pwned (id int)", REFUSED, id="create"),
    pytest.param("drop table orders", REFUSED, id="drop"),
    pytest.param("alter table orders add column pwned int", REFUSED, id="alter"),
    pytest.param("truncate orders", REFUSED, id="truncate"),
    pytest.param("rename table orders to pwned", REFUSED, id="rename"),
    pytest.param("select 1; drop table orders", REFUSED, id="stacked"),
    pytest.param("select 1 /* */; delete from orders", REFUSED, id="comment-then-statement"),
    pytest.param("select 1 -- \n; delete from orders", REFUSED, id="line-comment-then-statement"),
    pytest.param("select 1 # hash comment\n; delete from orders", REFUSED, id="hash-comment-then-statement"),
    pytest.param("select 1 /*!, sleep(60) */", REFUSED, id="executable-comment"),
    pytest.param("select 1 /*M!100000 , sleep(60) */", REFUSED, id="mariadb-executable-comment"),
    pytest.param("set session transaction read write", REFUSED, id="set-session-read-write"),
    pytest.param("set transaction read write", REFUSED, id="set-transaction-read-write"),
    pytest.param("start transaction read write", REFUSED, id="start-transaction-read-write"),
    pytest.param("begin", REFUSED, id="begin"),
    pytest.param("commit", REFUSED, id="commit"),
    pytest.param("set role none", REFUSED, id="set-role"),
    pytest.param("with d as (select 1) delete from orders", REFUSED, id="with-delete"),
    pytest.param(f"select * from orders into outfile '{OUTFILE}'", REFUSED, id="into-outfile"),
    pytest.param(f"select * into dumpfile '{OUTFILE}' from orders limit 1", REFUSED, id="into-dumpfile"),
    pytest.param("select id into @x from orders limit 1", REFUSED, id="into-variable"),
    pytest.param("select sleep(60)", REFUSED, id="sleep"),
    pytest.param("select `sleep`(60)", REFUSED, id="sleep-quoted"),
    pytest.param("select benchmark(1000000000, md5('x'))", REFUSED, id="benchmark"),
    pytest.param("select load_file('/etc/passwd')", REFUSED, id="load_file"),
    pytest.param("select get_lock('skopx', 60)", REFUSED, id="get_lock"),
    pytest.param("do sleep(60)", REFUSED, id="do-sleep"),
    pytest.param("load data infile '/etc/passwd' into table orders", REFUSED, id="load-data"),
    pytest.param("handler orders open", REFUSED, id="handler"),
    pytest.param("lock tables orders write", REFUSED, id="lock-tables"),
    pytest.param("flush tables", REFUSED, id="flush"),
    pytest.param("kill 1", REFUSED, id="kill"),
    pytest.param("grant all on *.* to current_user", REFUSED, id="grant"),
    pytest.param("select * from orders for update", REFUSED, id="for-update"),
    pytest.param("select * from orders lock in share mode", REFUSED, id="lock-in-share-mode"),
    pytest.param("select 1\x00; delete from orders", REFUSED, id="nul"),
    pytest.param("select '\x1b[2J'", REFUSED, id="escape-character"),
    # The guard can't know this writes; the read-only transaction refuses it.
    pytest.param("select write_something()", READ_ONLY, id="function-that-writes"),
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("sql", "refusal"), HOSTILE)
async def test_hostile_statements_are_refused_and_change_nothing(
    target: Target, sql: str, refusal: type[AppError]
) -> None:
    with pytest.raises(refusal) as caught:
        await run_query(target.writer, sql, limits=FAST)
    assert_safe(caught.value, target.writer)


async def test_a_function_that_writes_meets_the_read_only_transaction(target: Target) -> None:
    with pytest.raises(errors.QueryNotPermitted) as caught:
        await run_query(target.writer, "select write_something()")
    assert caught.value.detail.startswith("This query tries to change data, and data queries can only read")
    assert "READ ONLY transaction" in caught.value.detail


# ---------------------------------------------------------------- the database's own fence, the guard bypassed

BYPASSED = [
    "insert into orders (customer_id, amount) values (1, 1)",
    "replace into customers (id, name) values (1, 'pwned')",
    "update customers set name = 'pwned'",
    "delete from orders",
    "truncate orders",
    "create table pwned (id int)",
    "drop table wide",
    "select write_something()",
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("sql", BYPASSED)
async def test_the_read_only_transaction_refuses_writes_the_guard_never_saw(target: Target, sql: str) -> None:
    with pytest.raises(errors.QueryNotPermitted) as caught:
        await mysql.run(target.writer, Statement(sql), FAST)
    assert "READ ONLY transaction" in caught.value.detail
    assert_safe(caught.value, target.writer)


@pytest.mark.usefixtures("unchanged")
async def test_a_quote_escaped_by_a_backslash_keeps_the_statement_whole(target: Target) -> None:
    result = await run_query(target.writer, "select 'a\\'; delete from orders; -- '")
    assert result.rows == [["a'; delete from orders; -- "]]


@pytest.mark.usefixtures("unchanged")
async def test_a_second_statement_the_guard_never_saw_is_not_run(target: Target) -> None:
    with pytest.raises(errors.QueryFailed) as caught:
        await mysql.run(target.writer, Statement("select 1; delete from orders"), FAST)
    assert "SQL syntax" in caught.value.detail


@pytest.mark.usefixtures("unchanged")
async def test_an_outfile_the_guard_never_saw_is_not_written(target: Target) -> None:
    with pytest.raises(errors.QueryNotPermitted):
        await mysql.run(target.writer, Statement(f"select * from orders into outfile '{OUTFILE}'"), FAST)
    assert not os.path.exists(OUTFILE)


async def test_sleeping_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut) as caught:
        await mysql.run(target.writer, Statement("select sleep(60) from seq_1_to_10"), FAST)
    assert time.monotonic() - started < 4
    assert caught.value.detail.startswith("The query ran longer than 1 seconds and was stopped.")


async def test_a_slow_query_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut):
        await run_query(
            target.writer,
            "select count(*) from seq_1_to_100000000 a, seq_1_to_100 b where a.seq + b.seq = 7",
            limits=FAST,
        )
    assert time.monotonic() - started < 4


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

    wrong_password = config(password="Wrong-password-that-must-not-show")
    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(wrong_password, "select 1", limits=FAST)
    assert caught.value.detail == (
        "The database refused the user name or password. Check them in the connection settings."
    )
    assert_safe(caught.value, wrong_password)

    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(config(database="skopx_dq_missing"), "select 1", limits=FAST)
    assert "skopx_dq_missing" in caught.value.detail
    assert_safe(caught.value, target.reader)

    with pytest.raises(errors.DatabaseTlsFailed) as caught:
        await run_query(config(tls="require"), "select 1", limits=FAST)
    assert "SSL is required but the server doesn't support it" in caught.value.detail

    with silent_listener() as port:
        started = time.monotonic()
        with pytest.raises(errors.DatabaseUnreachable) as caught:
            await run_query(config(port=port), "select 1", limits=FAST)
        assert time.monotonic() - started < FAST.connect_timeout_s + 1
    assert "didn't answer within 2 seconds" in caught.value.detail


async def test_query_errors_carry_the_database_s_own_words(target: Target) -> None:
    with pytest.raises(errors.QueryFailed) as caught:
        await run_query(target.reader, "select nme from customers")
    assert caught.value.detail == "The database couldn't run the query: Unknown column 'nme' in 'SELECT'"

    with pytest.raises(errors.QueryNotPermitted) as caught:
        await run_query(target.reader, "select * from secrets")
    assert "command denied" in caught.value.detail and "secrets" in caught.value.detail


async def test_many_queries_at_once_each_get_their_own_connection(target: Target) -> None:
    results = await asyncio.gather(
        *(run_query(target.reader, f"select count(*) + {n} from orders") for n in range(10))
    )
    assert [result.rows for result in results] == [[[4_000 + n]] for n in range(10)]
