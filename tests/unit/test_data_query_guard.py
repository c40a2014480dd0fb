"""The data-query guard: what it lets through (and what text it sends), what it refuses and why."""

from __future__ import annotations

import pytest

from backend.dataquery import Statement, check_sql
from backend.dataquery.guard import ONE_STATEMENT
from backend.errors import Invalid
from backend.limits import DATA_QUERY_SQL

POSTGRES_READS = [
    "select 1",
    "select distinct on (a) a, b from t order by a, b",
    "select x::regclass, '{1,2}'::int[], a->>'b', a #>> '{x,y}', j @> '{}'::jsonb from t",
    "select array[1,2], count(*) filter (where a > 1), percentile_cont(0.5) within group (order by a) from t",
    "select * from t, lateral (select * from u where u.id = t.id) s",
    "select now() at time zone 'utc', interval '1 day', a ilike 'X%' from t",
    "select row_number() over (partition by a order by b) from t window w as (partition by b)",
    "select * from generate_series(1, 10) g(i)",
    "select $$a;b$$, E'\\n;', U&'\\0041'",
    "with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select * from r",
    "select * from t tablesample bernoulli (10)",
    "select coalesce(a, 0), nullif(b, ''), extract(epoch from now()), date_trunc('day', now()) from t",
    "select * from t where a = any(array[1, 2]) and b in (select b from u)",
    "select t.*, u.* from t full outer join u using (id)",
    "select jsonb_agg(t) from t",
    "select pg_size_pretty(pg_database_size(current_database())), current_setting('search_path')",
    "select * from t group by rollup(a, b) having count(*) > 1",
    "select 1 except select 2 intersect select 3",
    "values (1, 'a'), (2, 'b')",
    "table t",
    "(select 1) union (select 2)",
    'select * from "Weird; Table" as "T"',
    "select 'into', 'pg_sleep(1)', 'a; delete from t'",
    "select 1 /* a comment; with a semicolon */",
    "select count(*) from orders -- trailing comment; with a semicolon",
]
MYSQL_READS = [
    "select a, b from t limit 5, 10",
    "select `a b` from `t` where x regexp '^a' and y like 'x%' collate utf8mb4_bin",
    "select json_extract(j, '$.a'), j->>'$.a', group_concat(a separator ','), if(a, 1, 2) from t",
    "select straight_join * from t force index (i) where a = 1",
    "select _utf8mb4'x', b'101', x'4142', 0x41, 1 div 2, 5 mod 2, a <=> b from t",
    "select convert(a using utf8mb4), cast(a as unsigned), now() + interval 1 day from t",
    "select /*+ MAX_EXECUTION_TIME(1000) */ a from t",
    "with r as (select 1) select * from r",
    "select * from t where match(a) against ('x' in boolean mode)",
    "select @@version, 1 from dual",
    "select 'a\\'; delete from t; -- '",  # one string: MySQL's backslash escapes the quote
    "select 1 --1",  # MySQL's "--" needs a space after it to start a comment: this is 1 - -1
    "select 1 # a comment; with a semicolon",
]


@pytest.mark.parametrize("sql", POSTGRES_READS)
def test_postgresql_reads_pass(sql: str) -> None:
    assert check_sql(sql, "postgresql") == Statement(sql.split(" --")[0].split(" /*")[0])


@pytest.mark.parametrize("sql", MYSQL_READS)
def test_mysql_reads_pass(sql: str) -> None:
    assert check_sql(sql, "mysql").text == sql.split(" #")[0].split(" /* ")[0]


@pytest.mark.parametrize(
    ("sql", "sent"),
    [
        ("select 1;", "select 1"),
        ("  select 1 ;;; ", "select 1"),
        ("-- what this is\nselect 1; -- done", "select 1"),
        ("/* lead */ select 1 /* tail */ ;", "select 1"),
        ("select 1\r\nfrom t", "select 1\nfrom t"),
    ],
)
def test_what_is_sent_is_the_statement_without_what_surrounds_it(sql: str, sent: str) -> None:
    assert check_sql(sql, "postgresql").text == sent


@pytest.mark.parametrize(
    ("sql", "engine", "explain_text"),
    [
        ("explain select * from t", "postgresql", "explain select * from t"),
        ("explain (analyze, buffers, format json) select 1;", "postgresql", None),
        ("explain analyze verbose select 1", "postgresql", None),
        ("EXPLAIN verbose (select 1)", "postgresql", None),
        ("explain format=json select * from t", "mysql", None),
        ("explain analyze select 1", "mysql", None),
    ],
)
def test_explain_of_a_read_passes(sql: str, engine: str, explain_text: str | None) -> None:
    statement = check_sql(sql, engine)
    assert statement.explain
    assert statement.text == (explain_text or sql.rstrip(";"))


WRITES = "This query tries"
NOT_A_QUERY = "Only SELECT queries can run here"
INTO = "SELECT … INTO would write"
LOCKING = "Locking clauses"
FUNCTION = "can't be used in a data query"
WITH_WRITE = "A WITH clause here may only read"
EXPLAIN = "EXPLAIN can only show the plan of a SELECT query"
UNREADABLE = "couldn't be read"
EXECUTABLE = "MySQL runs the text of /*! … */ comments"
CONTROL = "contains a character that can't be used"

REFUSED = [
    ("postgresql", "select 1; drop table x", ONE_STATEMENT),
    ("postgresql", "select 1 /* */; delete from x", ONE_STATEMENT),
    ("postgresql", "select 1 -- \n; delete from x", ONE_STATEMENT),
    ("postgresql", "select 'a\\'; delete from x; -- '", ONE_STATEMENT),  # no backslash escapes here
    ("postgresql", "select $$;$$; delete from x", ONE_STATEMENT),
    ("postgresql", "explain select 1; delete from x", ONE_STATEMENT),
    ("postgresql", "begin; select 1", ONE_STATEMENT),
    (
        "postgresql",
        "insert into x values (1)",
        f"{NOT_A_QUERY} (or WITH … SELECT, or EXPLAIN of one); INSERT",
    ),
    ("postgresql", "update x set a = 1", "UPDATE statements can't"),
    ("postgresql", "delete from x", "DELETE statements can't"),
    ("postgresql", "merge into x using y on x.a = y.a when matched then delete", "MERGE statements can't"),
    ("postgresql", "create table y (a int)", "CREATE statements can't"),
    ("postgresql", "drop table x", "DROP statements can't"),
    ("postgresql", "alter table x add b int", "ALTER statements can't"),
    ("postgresql", "truncate x", "TRUNCATE statements can't"),
    ("postgresql", "copy x to program 'id'", "COPY statements can't"),
    ("postgresql", "set transaction read write", "SET statements can't"),
    ("postgresql", "set session characteristics as transaction read write", "SET statements can't"),
    ("postgresql", "set role postgres", "SET statements can't"),
    ("postgresql", "reset session authorization", "RESET statements can't"),
    ("postgresql", "begin", "BEGIN statements can't"),
    ("postgresql", "commit", "COMMIT statements can't"),
    ("postgresql", "vacuum", "VACUUM statements can't"),
    ("postgresql", "listen x", "LISTEN statements can't"),
    ("postgresql", "do $$ begin end $$", "DO statements can't"),
    ("postgresql", "call p()", "CALL statements can't"),
    ("postgresql", "declare c cursor for select 1", "DECLARE statements can't"),
    ("postgresql", "with d as (select 1) delete from x", "DELETE statements can't"),
    ("postgresql", "with d as (delete from x returning *) select * from d", WITH_WRITE),
    ("postgresql", "with d as (insert into x values (1) returning *) select * from d", WITH_WRITE),
    ("postgresql", "select * into newtable from x", INTO),
    ("postgresql", "select * from x for update", LOCKING),
    ("postgresql", "select * from x for no key update", LOCKING),
    ("postgresql", "select * from x for key share skip locked", LOCKING),
    ("postgresql", "select pg_sleep(60)", "The function pg_sleep() " + FUNCTION),
    ("postgresql", "select PG_CATALOG.PG_SLEEP(1)", "The function pg_sleep() " + FUNCTION),
    ("postgresql", 'select "pg_sleep"(1)', FUNCTION),
    ("postgresql", "select pg_sleep /* hidden */ (1)", FUNCTION),
    ("postgresql", "select * from pg_sleep_for('1 minute')", FUNCTION),
    ("postgresql", "select * from dblink('h', 'delete from x') as t(a int)", FUNCTION),
    ("postgresql", "select dblink_exec('h', 'delete from x')", FUNCTION),
    ("postgresql", "select pg_read_file('/etc/passwd')", FUNCTION),
    ("postgresql", "select pg_read_binary_file('/etc/passwd')", FUNCTION),
    ("postgresql", "select pg_ls_dir('/')", FUNCTION),
    ("postgresql", "select lo_import('/etc/passwd')", FUNCTION),
    ("postgresql", "select lo_export(1, '/tmp/x')", FUNCTION),
    ("postgresql", "select pg_terminate_backend(1)", FUNCTION),
    ("postgresql", "select pg_cancel_backend(1)", FUNCTION),
    ("postgresql", "select set_config('a.b', 'c', false)", FUNCTION),
    ("postgresql", "select pg_advisory_xact_lock(1)", FUNCTION),
    ("postgresql", "select pg_try_advisory_lock(1)", FUNCTION),
    ("postgresql", "select query_to_xml('delete from x', true, true, '')", FUNCTION),
    ("postgresql", "explain analyze delete from x", EXPLAIN),
    ("postgresql", "explain analyze delete from x where id in (select 1)", EXPLAIN),
    ("postgresql", "explain", EXPLAIN),
    ("postgresql", "select 'abc", UNREADABLE),
    ("postgresql", "select /* never closed", UNREADABLE),
    ("postgresql", "selec 1", "SELEC statements can't"),
    ("postgresql", "select (1", "couldn't be read near line 1, column 9. Check its syntax for PostgreSQL"),
    ("postgresql", "select from where", "couldn't be read near line 1, column 17"),
    ("postgresql", "select a\x00", CONTROL),
    ("postgresql", "select 1\x07", CONTROL),
    ("postgresql", "select 1\u009b", CONTROL),
    ("postgresql", "select '\ud800'", "broken character"),
    ("postgresql", "", "Enter the SQL query."),
    ("postgresql", " ; ; ", "The SQL query has no statement in it"),
    ("postgresql", "-- only a comment", "The SQL query has no statement in it"),
    ("mysql", "select sleep(60)", FUNCTION),
    ("mysql", "select `sleep`(1)", FUNCTION),
    ("mysql", 'select "sleep"(1)', FUNCTION),  # a name, where ANSI_QUOTES is on
    ("mysql", "select benchmark(1000000, md5('a'))", FUNCTION),
    ("mysql", "select load_file('/etc/passwd')", FUNCTION),
    ("mysql", "select get_lock('a', 10)", FUNCTION),
    ("mysql", "do sleep(5)", FUNCTION),
    ("mysql", "select * from x into outfile '/tmp/x'", INTO),
    ("mysql", "select * into dumpfile '/tmp/x' from x", INTO),
    ("mysql", "select a from t into @v", INTO),
    ("mysql", "select 1 /*!, sleep(5) */", EXECUTABLE),
    ("mysql", "select 1 /*!50000 , sleep(5) */", EXECUTABLE),
    ("mysql", "select 1 /*M!100000 , sleep(5) */", EXECUTABLE),
    ("mysql", "select * from x lock in share mode", LOCKING),
    ("mysql", "select 1 # a comment\n; delete from x", ONE_STATEMENT),
    ("mysql", "replace into x values (1)", "REPLACE statements can't"),
    ("mysql", "insert ignore into x values (1)", "INSERT statements can't"),
    ("mysql", "load data infile '/etc/passwd' into table x", "LOAD statements can't"),
    ("mysql", "handler x open", "HANDLER statements can't"),
    ("mysql", "set session transaction read write", "SET statements can't"),
    ("mysql", "start transaction", "START statements can't"),
    ("mysql", "show tables", "SHOW statements can't"),
    ("mysql", "use mysql", "USE statements can't"),
    ("mysql", "kill 1", "KILL statements can't"),
    ("mysql", "explain for connection 5", EXPLAIN),
    ("mysql", "select 1 from", "Check its syntax for MySQL or MariaDB"),
    ("mysql", "select 1 into @a", INTO),
]


@pytest.mark.parametrize(("engine", "sql", "sentence"), REFUSED)
def test_everything_else_is_refused_with_a_sentence_that_says_what_to_do(
    engine: str, sql: str, sentence: str
) -> None:
    with pytest.raises(Invalid) as caught:
        check_sql(sql, engine)
    assert sentence in caught.value.detail
    assert caught.value.field == "sql"


def test_a_statement_longer_than_the_limit_is_refused() -> None:
    longest = "select" + " " * (DATA_QUERY_SQL.max_len - len("select1")) + "1"
    assert len(check_sql(longest, "postgresql").text) == DATA_QUERY_SQL.max_len
    with pytest.raises(Invalid, match="must be 1–100,000 characters"):
        check_sql(longest.replace("select", "select "), "postgresql")
