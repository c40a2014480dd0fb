"""Data queries on both engines, PostgreSQL and MariaDB: the hostile statements of each, and what must
hold the same on both.

Hostile statements run as a user that may write, so that what stops them is the executor: the
guard, or the read-only transaction when the guard is bypassed on purpose (the engine's `run` with a
`Statement` made by hand). After each one, everything in the target database reads as it was made.
Each engine's own types, errors and locks are tested in test_data_query_postgres.py and
test_data_query_mysql.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from backend.dataquery import AddressPolicy, Statement, errors, mysql, postgres, run_query
from backend.dataquery.addresses import Endpoint
from backend.errors import AppError, Invalid
from backend.limits import DATA_QUERY_LIMITS
from tests.integration.dataquery_targets import (
    CUSTOMERS,
    FAST,
    FAST_CEILING_S,
    ORDERS,
    OUTFILE,
    WIDE_ROW_CHARS,
    FreezingProxy,
    Target,
    address_of,
    assert_safe,
    free_port,
    silent_listener,
)

pytestmark = pytest.mark.dataquery

RUNNERS = {"postgresql": postgres.run, "mysql": mysql.run}
SLEEP = {"postgresql": "select pg_sleep(60)", "mysql": "select sleep(60)"}


@pytest.fixture(params=["postgresql", "mysql"])
def target(request: pytest.FixtureRequest) -> Target:
    return request.getfixturevalue(f"{request.param}_dq_target")


# ---------------------------------------------------------------- answers and caps


async def test_a_table_of_thousands_of_rows_comes_back_whole(target: Target) -> None:
    result = await run_query(target.reader, "select id, name, email from customers order by id;")

    assert (result.row_count, result.truncated) == (CUSTOMERS, False)
    assert [column.type for column in result.columns] == ["number", "text", "text"]
    assert result.rows[0] == [1, "Customer 1", "c1@example.test"]
    assert result.rows[9] == [10, "Customer 10", None]
    assert [row[0] for row in result.rows] == list(range(1, CUSTOMERS + 1))


async def test_a_huge_result_stops_at_the_row_cap_without_reading_it_all(target: Target) -> None:
    started = time.monotonic()
    result = await run_query(target.reader, "select a.id, b.name from customers a cross join customers b")

    assert time.monotonic() - started < 5
    assert (result.row_count, result.truncated, result.truncated_by) == (
        DATA_QUERY_LIMITS.max_rows,
        True,
        "rows",
    )


async def test_wide_rows_stop_at_the_byte_cap(target: Target) -> None:
    megabyte_rows = await run_query(target.reader, "select id, repeat('y', 1000000) from customers")
    assert (megabyte_rows.row_count, megabyte_rows.truncated_by) == (5, "bytes")  # the sixth would pass 5 MiB
    assert sum(len(row[1]) for row in megabyte_rows.rows) <= DATA_QUERY_LIMITS.max_bytes

    ten_megabyte_rows = await run_query(target.reader, "select id, body from wide")
    assert (ten_megabyte_rows.row_count, ten_megabyte_rows.truncated_by) == (0, "bytes")

    roomy = dataclasses.replace(DATA_QUERY_LIMITS, max_bytes=25 * 1024 * 1024)
    two = await run_query(target.reader, "select id, body from wide order by id", limits=roomy)
    assert [len(row[1]) for row in two.rows] == [WIDE_ROW_CHARS, WIDE_ROW_CHARS]
    assert two.truncated_by == "bytes"


async def test_many_queries_at_once_each_get_their_own_connection(target: Target) -> None:
    results = await asyncio.gather(
        *(run_query(target.reader, f"select count(*) + {n} from orders") for n in range(10))
    )
    assert [result.rows for result in results] == [[[ORDERS + n]] for n in range(10)]


# ---------------------------------------------------------------- hostile statements through the front door

REFUSED = Invalid
# (statement, what refuses it, name): the same on both engines, then each engine's own.
COMMON: list[tuple[str, type[AppError], str]] = [
    ("insert into orders (customer_id, amount) values (1, 1)", REFUSED, "insert"),
    ("update customers set name = 'pwned'", REFUSED, "update"),
    ("delete from orders", REFUSED, "delete"),
    ("create table pwned (id int)", REFUSED, "create"),
    ("drop table orders", REFUSED, "drop"),
    ("alter table orders add column pwned int", REFUSED, "alter"),
    ("truncate orders", REFUSED, "truncate"),
    ("select 1; drop table orders", REFUSED, "stacked"),
    ("select 1 /* */; delete from orders", REFUSED, "comment-then-statement"),
    ("select 1 -- \n; delete from orders", REFUSED, "line-comment-then-statement"),
    ("select 1 /* ; */ ; delete from orders /* ; */", REFUSED, "semicolons-in-comments"),
    ("set transaction read write", REFUSED, "set-transaction-read-write"),
    ("begin", REFUSED, "begin"),
    ("commit", REFUSED, "commit"),
    ("rollback", REFUSED, "rollback"),
    ("with d as (delete from orders returning *) select * from d", REFUSED, "cte-delete"),
    ("select * into pwned from orders", REFUSED, "select-into"),
    ("select * from orders for update", REFUSED, "for-update"),
    ("select 1\x00; delete from orders", REFUSED, "nul"),
    ("select '\x1b[2J'", REFUSED, "escape-character"),
    ("select 1\u0085", REFUSED, "c1-control"),
    # The guard can't know this writes; the read-only transaction refuses it.
    ("select write_something()", errors.QueryNotPermitted, "function-that-writes"),
]
POSTGRESQL_ONLY: list[tuple[str, type[AppError], str]] = [
    (
        "merge into customers c using orders o on c.id = o.customer_id when matched then delete",
        REFUSED,
        "merge",
    ),
    ("select $$;$$; delete from orders", REFUSED, "dollar-quote-then-statement"),
    ("select 'a\\'; delete from orders; -- '", REFUSED, "backslash-is-no-escape"),
    ("set session characteristics as transaction read write", REFUSED, "set-session-read-write"),
    ("begin; delete from orders; commit", REFUSED, "begin-delete-commit"),
    ("with u as (update customers set name = 'x' returning 1) select 1", REFUSED, "cte-update"),
    ("copy orders to program 'id'", REFUSED, "copy-to-program"),
    ("copy (select 1) to '/tmp/skopx_dq_copy'", REFUSED, "copy-to-file"),
    ("select pg_sleep(60)", REFUSED, "pg_sleep"),
    ("select pg_catalog.pg_sleep_for('1 minute')", REFUSED, "pg_sleep_for-qualified"),
    ("select * from dblink('dbname=postgres', 'delete from orders') as t(x text)", REFUSED, "dblink"),
    ("select pg_read_file('/etc/passwd')", REFUSED, "pg_read_file"),
    ("select lo_import('/etc/passwd')", REFUSED, "lo_import"),
    ("select set_config('default_transaction_read_only', 'off', false)", REFUSED, "set_config"),
    ("select pg_terminate_backend(pid) from pg_stat_activity", REFUSED, "terminate-backend"),
    ("select pg_advisory_lock(1)", REFUSED, "advisory-lock"),
    ("select query_to_xml('delete from orders', true, true, '')", REFUSED, "query_to_xml"),
    ("set role postgres", REFUSED, "set-role"),
    ("reset session authorization", REFUSED, "reset-session-authorization"),
    ("explain analyze delete from orders", REFUSED, "explain-analyze-delete"),
    ("do $$ begin delete from orders; end $$", REFUSED, "do-block"),
    ("lock table orders", REFUSED, "lock-table"),
    ("vacuum orders", REFUSED, "vacuum"),
    ("prepare p as delete from orders", REFUSED, "prepare"),
    # The guard can't know these write; the read-only transaction refuses them.
    (
        "explain analyze select write_something()",
        errors.QueryNotPermitted,
        "explain-analyze-function-that-writes",
    ),
    ("select nextval('orders_id_seq')", errors.QueryNotPermitted, "nextval"),
]
MYSQL_ONLY: list[tuple[str, type[AppError], str]] = [
    ("replace into customers (id, name) values (1, 'pwned')", REFUSED, "replace"),
    ("rename table orders to pwned", REFUSED, "rename"),
    ("select 1 # hash comment\n; delete from orders", REFUSED, "hash-comment-then-statement"),
    ("select 1 /*!, sleep(60) */", REFUSED, "executable-comment"),
    ("select 1 /*M!100000 , sleep(60) */", REFUSED, "mariadb-executable-comment"),
    ("set session transaction read write", REFUSED, "set-session-read-write"),
    ("start transaction read write", REFUSED, "start-transaction-read-write"),
    ("set role none", REFUSED, "set-role"),
    ("with d as (select 1) delete from orders", REFUSED, "with-delete"),
    (f"select * from orders into outfile '{OUTFILE}'", REFUSED, "into-outfile"),
    (f"select * into dumpfile '{OUTFILE}' from orders limit 1", REFUSED, "into-dumpfile"),
    ("select id into @x from orders limit 1", REFUSED, "into-variable"),
    ("select sleep(60)", REFUSED, "sleep"),
    ("select `sleep`(60)", REFUSED, "sleep-quoted"),
    ("select benchmark(1000000000, md5('x'))", REFUSED, "benchmark"),
    ("select load_file('/etc/passwd')", REFUSED, "load_file"),
    ("select get_lock('skopx', 60)", REFUSED, "get_lock"),
    ("do sleep(60)", REFUSED, "do-sleep"),
    ("load data infile '/etc/passwd' into table orders", REFUSED, "load-data"),
    ("handler orders open", REFUSED, "handler"),
    ("lock tables orders write", REFUSED, "lock-tables"),
    ("flush tables", REFUSED, "flush"),
    ("kill 1", REFUSED, "kill"),
    ("grant all on *.* to current_user", REFUSED, "grant"),
    ("select * from orders lock in share mode", REFUSED, "lock-in-share-mode"),
]
HOSTILE = [
    pytest.param(engine, sql, refusal, id=f"{engine}:{name}")
    for engine, statements in (("postgresql", COMMON + POSTGRESQL_ONLY), ("mysql", COMMON + MYSQL_ONLY))
    for sql, refusal, name in statements
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("target", "sql", "refusal"), HOSTILE, indirect=["target"])
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


# ---------------------------------------------------------------- the database's own fence, the guard bypassed

BYPASSED = [
    "insert into orders (customer_id, amount) values (1, 1)",
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
    # As an EXPLAIN, PostgreSQL runs the text in a plain cursor, not in DECLARE (which refuses writes too).
    with pytest.raises(errors.QueryNotPermitted) as caught:
        await RUNNERS[target.engine](
            target.writer, Statement(sql, explain=True), FAST, address_of(target.writer)
        )
    assert "read only transaction" in caught.value.detail.lower().replace("-", " ")
    assert_safe(caught.value, target.writer)


async def test_sleeping_the_guard_never_saw_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut) as caught:
        await RUNNERS[target.engine](
            target.writer, Statement(SLEEP[target.engine]), FAST, address_of(target.writer)
        )
    assert time.monotonic() - started < 4
    assert caught.value.detail.startswith("The query ran longer than 1 seconds and was stopped.")


async def test_a_slow_query_is_ended_by_the_statement_timeout(target: Target) -> None:
    started = time.monotonic()
    with pytest.raises(errors.QueryTimedOut):
        await run_query(
            target.reader, "select count(*) from customers a, customers b, customers c", limits=FAST
        )
    assert time.monotonic() - started < 4


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
    refused = dataclasses.replace(target.reader, port=free_port())
    with pytest.raises(errors.DatabaseUnreachable) as caught:
        await run_query(refused, "select 1", limits=FAST)
    assert caught.value.detail == (
        f"Couldn't connect to the database at 127.0.0.1:{refused.port}: the connection was refused. Check the "
        "host and port, and that the server accepts connections from Skopx."
    )

    with pytest.raises(errors.DatabaseLoginFailed) as caught:
        await run_query(
            dataclasses.replace(target.reader, database="skopx_dq_missing"), "select 1", limits=FAST
        )
    assert "skopx_dq_missing" in caught.value.detail
    assert_safe(caught.value, target.reader)

    with pytest.raises(errors.DatabaseTlsFailed) as caught:
        await run_query(dataclasses.replace(target.reader, tls="require"), "select 1", limits=FAST)
    assert caught.value.detail.startswith("Couldn't set up an encrypted (TLS) connection to the database")
    assert "support" in caught.value.detail  # the server doesn't support TLS, in the driver's words

    with silent_listener() as port:
        started = time.monotonic()
        with pytest.raises(errors.DatabaseUnreachable) as caught:
            await run_query(dataclasses.replace(target.reader, port=port), "select 1", limits=FAST)
        assert time.monotonic() - started < FAST.connect_timeout_s + 1.5
    assert "didn't answer within 2 seconds" in caught.value.detail


async def test_the_executor_connects_to_the_address_it_checked_without_resolving_again(
    target: Target,
) -> None:
    ip = address_of(target.reader).ip
    answers = [[ip], ["192.0.2.1"]]  # the second answer, were it asked for, leads nowhere
    asked: list[str] = []

    def rebinding(name: str) -> list[str]:
        asked.append(name)
        return answers[min(len(asked), 2) - 1]

    config = dataclasses.replace(
        target.reader, host="pg.test" if target.engine == "postgresql" else "my.test"
    )
    result = await run_query(
        config, "select 1 as one", limits=FAST, policy=AddressPolicy(allow_internal=True), resolve=rebinding
    )
    assert result.rows == [[1]]
    assert asked == [config.host]


async def test_the_executor_refuses_an_address_before_connecting(target: Target) -> None:
    with silent_listener() as port:
        config = dataclasses.replace(target.reader, host="127.0.0.1", port=port)
        for policy, sentence in (
            (AddressPolicy(), "inside Skopx's own network"),
            (AddressPolicy(allow_internal=True, own=(Endpoint("localhost", port),)), "Skopx's own database"),
        ):
            started = time.monotonic()
            with pytest.raises(Invalid, match=sentence) as caught:
                await run_query(config, "select 1", limits=FAST, policy=policy)
            assert caught.value.field == "host"
            assert time.monotonic() - started < 1  # a silent listener would have held a connection attempt
