"""The first fence: read the SQL with sqlglot and refuse anything but one read-only query.

`check_sql(sql, engine)` returns the `Statement` to send, or raises `Invalid` with a sentence that says
what to change. It accepts exactly one SELECT (also UNION/INTERSECT/EXCEPT, VALUES, TABLE, WITH … SELECT
whose parts only read) or an EXPLAIN of one, and refuses:

- a second statement after a ';', wherever comments put it, and MySQL's `/*! … */` comments, which MySQL
  runs as SQL although every other reader sees a comment;
- any statement that is not a query (writes, DDL, SET, transaction control, COPY, CALL, …) and a WITH
  whose parts write;
- `SELECT … INTO` (a new table, variables, or MySQL's OUTFILE/DUMPFILE) and locking clauses;
- calls to the functions in `DENIED_FUNCTIONS` (or starting with `DENIED_PREFIXES`), in either
  dialect, however they are quoted or schema-qualified: they sleep, lock, signal other sessions, read
  server files, reach other servers, run SQL from a string or change settings.

The decision rests on sqlglot's tokens and syntax tree, but what runs is the person's own text
(without trailing semicolons and comments), never sqlglot's rewrite of it: the database then executes
exactly what was checked. The database's read-only transaction, timeouts and privileges stay the
final word (`backend.dataquery.postgres`, `backend.dataquery.mysql`); this fence only refuses early
and explains why.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from backend.errors import Invalid
from backend.limits import DATA_QUERY_SQL
from backend.text import clean_text

FIELD = "sql"
_DIALECTS = {"postgresql": "postgres", "mysql": "mysql"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL or MariaDB"}

DENIED_FUNCTIONS = frozenset(
    {
        # PostgreSQL: waiting, server files, other sessions, settings, SQL run from a string
        "pg_sleep",
        "pg_sleep_for",
        "pg_sleep_until",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_stat_file",
        "pg_ls_dir",
        "pg_file_write",
        "pg_file_rename",
        "pg_file_unlink",
        "lo_import",
        "lo_export",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_promote",
        "pg_switch_wal",
        "pg_create_restore_point",
        "pg_logical_emit_message",
        "pg_notify",
        "set_config",
        "query_to_xml",
        "query_to_xmlschema",
        "query_to_xml_and_xmlschema",
        "cursor_to_xml",
        "cursor_to_xmlschema",
        # MySQL and MariaDB: waiting, server files, named locks
        "sleep",
        "benchmark",
        "load_file",
        "get_lock",
        "release_lock",
        "release_all_locks",
        "master_pos_wait",
        "source_pos_wait",
        "master_gtid_wait",
        "wait_for_executed_gtid_set",
        "wait_until_sql_thread_after_gtids",
        "sys_exec",
        "sys_eval",
    }
)
DENIED_PREFIXES = ("dblink", "pg_advisory", "pg_try_advisory", "pg_ls_")

# The words EXPLAIN may carry before its query, outside PostgreSQL's parenthesised list.
_EXPLAIN_OPTIONS = frozenset(
    [
        "ANALYZE",
        "ANALYSE",
        "VERBOSE",
        "EXTENDED",
        "PARTITIONS",
        "FORMAT",
        "=",
        "JSON",
        "TEXT",
        "XML",
        "YAML",
        "TREE",
        "TRADITIONAL",
    ]
)
_QUERY_STARTS = frozenset(
    {TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.TABLE, TokenType.L_PAREN}
)
# Nodes that change data, the schema, the session or the transaction, wherever they sit in the tree.
_WRITES: tuple[type[exp.Expression], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
    exp.Copy,
    exp.LoadData,
    exp.Set,
    exp.Use,
    exp.Grant,
    exp.Revoke,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Command,
)
_READ_ROOTS: tuple[type[exp.Expression], ...] = (exp.Query, exp.Values)

ONE_STATEMENT = "Only one SELECT statement can run; remove the second statement after the ';'."
INTO = (
    "SELECT … INTO would write the result into a table, a variable or a file; "
    "remove the INTO clause to see the rows instead."
)
LOCKING = (
    "Locking clauses (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE) can't be used in a read-only query; "
    "remove the clause."
)
WRITING_WITH = (
    "A WITH clause here may only read: remove the INSERT, UPDATE or DELETE inside it, "
    "or ask for the rows with a plain SELECT."
)
EXECUTABLE_COMMENT = (
    "MySQL runs the text of /*! … */ comments as SQL; remove those comments or write them as /* … */."
)
EMPTY = "The SQL query has no statement in it; write a SELECT query."
UNREADABLE = "The SQL query couldn't be read: check for an unclosed quote, comment or identifier."


@dataclass(frozen=True)
class Statement:
    """One checked statement: the text to send, and whether it is an EXPLAIN (which no cursor can hold)."""

    text: str
    explain: bool = False


def check_sql(sql: str | None, engine: str) -> Statement:
    """The statement to run for `sql` on `engine` ("postgresql" or "mysql"), or `Invalid`."""
    text = clean_text(sql, label="the SQL query", field=FIELD, min_len=1, max_len=DATA_QUERY_SQL.max_len)
    dialect = Dialect.get_or_raise(_DIALECTS[engine])
    tokens = _tokens(text, dialect)
    while tokens and tokens[-1].token_type == TokenType.SEMICOLON:
        tokens.pop()
    if not tokens:
        raise Invalid(EMPTY, field=FIELD)
    _refuse_token_level(tokens, engine)
    explain = tokens[0].text.upper() == "EXPLAIN"
    query = tokens[_query_start(tokens) if explain else 0]
    if query.token_type not in _QUERY_STARTS:
        raise Invalid(_not_read_root(query.text.upper()), field=FIELD)
    into = any(token.token_type == TokenType.INTO for token in tokens)
    end = tokens[-1].end + 1
    try:
        tree = _parse_one(text[query.start : end], dialect, engine)
    except Invalid:
        if into:  # sqlglot can't read MySQL's INTO OUTFILE, DUMPFILE or @variable after the FROM
            raise Invalid(INTO, field=FIELD) from None
        raise
    _refuse_tree_level(tree, into_select=into and query.token_type == TokenType.SELECT)
    if into:
        raise Invalid(INTO, field=FIELD)
    return Statement(text=text[tokens[0].start : end], explain=explain)


def _tokens(text: str, dialect: Dialect) -> list[Token]:
    try:
        tokens = dialect.tokenize(text)
        # The tokenizer keeps everything after EXPLAIN as one opaque string: read that part on its own.
        if tokens and tokens[0].text.upper() == "EXPLAIN":
            offset = tokens[0].end + 1
            rest = dialect.tokenize(text[offset:])
            for token in rest:
                token.start += offset
                token.end += offset
            tokens = [tokens[0], *rest]
    except TokenError:
        raise Invalid(UNREADABLE, field=FIELD) from None
    return tokens


def _refuse_token_level(tokens: list[Token], engine: str) -> None:
    for index, token in enumerate(tokens):
        kind = token.token_type
        if kind == TokenType.SEMICOLON:
            raise Invalid(ONE_STATEMENT, field=FIELD)
        if engine == "mysql" and any(comment.lstrip("M").startswith("!") for comment in token.comments):
            raise Invalid(EXECUTABLE_COMMENT, field=FIELD)
        # A string followed by '(' is a quoted name (MySQL's ANSI_QUOTES), so strings are names here too.
        if index + 1 == len(tokens) or tokens[index + 1].token_type != TokenType.L_PAREN:
            continue
        name = token.text.lower()
        if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
            raise Invalid(
                f"The function {name}() can't be used in a data query: it can wait, lock, reach files or "
                "other servers, or change settings. Remove it and try again.",
                field=FIELD,
            )


def _query_start(tokens: list[Token]) -> int:
    """Where the query an EXPLAIN shows starts, after EXPLAIN's options."""
    index = 1
    if index < len(tokens) and tokens[index].token_type == TokenType.L_PAREN:
        index = _after_parentheses(tokens, index)
    while index < len(tokens) and tokens[index].text.upper() in _EXPLAIN_OPTIONS:
        index += 1
    if index >= len(tokens) or tokens[index].token_type not in _QUERY_STARTS:
        raise Invalid(
            "EXPLAIN can only show the plan of a SELECT query; put the query right after it.", field=FIELD
        )
    return index


def _after_parentheses(tokens: list[Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[index].token_type, 0)
        if depth == 0:
            return index + 1
    return len(tokens)


def _parse_one(text: str, dialect: Dialect, engine: str) -> exp.Expression:
    try:
        parsed = [tree for tree in sqlglot.parse(text, dialect=dialect) if tree is not None]
    except ParseError as error:
        where = error.errors[0] if error.errors else {}
        near = f" near line {where['line']}, column {where['col']}" if "line" in where else ""
        raise Invalid(
            f"The SQL query couldn't be read{near}. Check its syntax for {ENGINE_NAMES[engine]} and try again.",
            field=FIELD,
        ) from None
    except TokenError:
        raise Invalid(UNREADABLE, field=FIELD) from None
    if len(parsed) != 1:
        raise Invalid(ONE_STATEMENT if parsed else EMPTY, field=FIELD)
    return parsed[0]


def _refuse_tree_level(tree: exp.Expression, *, into_select: bool) -> None:
    if not isinstance(tree, _READ_ROOTS):
        # sqlglot reads MySQL's SELECT … INTO @variable as a CREATE TABLE.
        raise Invalid(INTO if into_select else _not_read_root(_statement_word(tree)), field=FIELD)
    for node in tree.walk():
        if isinstance(node, _WRITES):
            raise Invalid(
                WRITING_WITH
                if node.find_ancestor(exp.CTE)
                else f"This query contains a {_statement_word(node)} statement, and data queries can only "
                "read. Remove it and try again.",
                field=FIELD,
            )
        if isinstance(node, exp.Into):
            raise Invalid(INTO, field=FIELD)
        if isinstance(node, exp.Lock):
            raise Invalid(LOCKING, field=FIELD)


def _statement_word(node: exp.Expression) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return {"truncatetable": "TRUNCATE", "loaddata": "LOAD DATA"}.get(node.key, node.key.upper())


def _not_read_root(word: str) -> str:
    return (
        f"Only SELECT queries can run here (or WITH … SELECT, or EXPLAIN of one); {word} statements can't. "
        "Write a SELECT that reads the data instead."
    )
