"""The databases data-query tests connect to: one per engine and test session, on the machine's servers.

Each target is a database `skopx_dq_<random>` with a few tables of a few thousand rows, a role that may
only read and one that may also write (and owns a function that writes), dropped afterwards.
`fingerprint()` reads everything that a query could have changed, as the server's administrator, so
that a test can show that nothing did.

SKOPX_DQ_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres, a superuser) and
SKOPX_DQ_MYSQL (default mysql://root@127.0.0.1:3306, an administrator) name the servers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import pymysql

from backend.dataquery import Address, ConnectionConfig
from backend.errors import AppError
from backend.limits import DATA_QUERY_LIMITS

POSTGRES_ADMIN_URL = os.environ.get("SKOPX_DQ_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN_URL = os.environ.get("SKOPX_DQ_MYSQL", "mysql://root@127.0.0.1:3306")
CUSTOMERS = 3_000
ORDERS = 4_000
WIDE_ROW_CHARS = 10 * 1024 * 1024
OUTFILE = "/tmp/skopx_dq_outfile"  # what `select … into outfile` would create on the MySQL server

FAST = dataclasses.replace(DATA_QUERY_LIMITS, statement_timeout_s=1, lock_timeout_s=1, connect_timeout_s=2)
# The whole run's wall-clock limit under FAST, with a second to spare for a loaded machine.
FAST_CEILING_S = FAST.connect_timeout_s + FAST.statement_timeout_s + 3 + 1


@dataclass(frozen=True)
class Target:
    """A database made for the tests; `pristine` is its fingerprint as made."""

    engine: str
    name: str
    reader: ConnectionConfig
    writer: ConnectionConfig
    admin_url: str
    pristine: dict[str, Any] = dataclasses.field(default_factory=dict)

    def fingerprint(self) -> dict[str, Any]:
        if self.engine == "postgresql":
            return postgres_fingerprint(self.admin_url)
        return mysql_fingerprint(self.name)

    def made(self) -> Target:
        return dataclasses.replace(self, pristine=self.fingerprint())


def address_of(config: ConnectionConfig) -> Address:
    """The target's address, for calling an engine's `run` directly (the targets are on this machine)."""
    return Address(name=config.host, ip=socket.gethostbyname(config.host), port=config.port)


def assert_safe(error: AppError, config: ConnectionConfig) -> None:
    """A sentence for a person: one line, no password, no traceback."""
    assert error.detail and "\n" not in error.detail
    assert config.password not in error.detail
    assert "Traceback" not in error.detail


def _password() -> str:
    return "Dq-" + secrets.token_urlsafe(12)


def _name() -> str:
    return f"skopx_dq_{secrets.token_hex(4)}"


# ---------------------------------------------------------------- PostgreSQL


def _pg_url(database: str) -> str:
    return urlsplit(POSTGRES_ADMIN_URL)._replace(path=f"/{database}").geturl()


@contextmanager
def postgres_target() -> Iterator[Target]:
    name = _name()
    url = urlsplit(POSTGRES_ADMIN_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 5432
    reader_pw, writer_pw = _password(), _password()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"create database {name}")
        admin.execute(f"create role {name}_reader login password '{reader_pw}'")
        admin.execute(f"create role {name}_writer login password '{writer_pw}'")
    try:
        with psycopg.connect(_pg_url(name), autocommit=True) as conn:
            _pg_fill(conn, name)
        yield Target(
            engine="postgresql",
            name=name,
            reader=ConnectionConfig(
                "postgresql", host, port, name, f"{name}_reader", reader_pw, tls="disable"
            ),
            writer=ConnectionConfig(
                "postgresql", host, port, name, f"{name}_writer", writer_pw, tls="disable"
            ),
            admin_url=_pg_url(name),
        ).made()
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")
            admin.execute(f"drop role if exists {name}_reader")
            admin.execute(f"drop role if exists {name}_writer")
            left = admin.execute(
                "select count(*) from pg_roles where rolname like %s", (f"{name}%",)
            ).fetchone()
            assert left == (0,), f"the roles of {name} are still there"


def _pg_fill(conn: psycopg.Connection[Any], name: str) -> None:
    conn.execute(
        f"""
        create table customers (
          id int primary key, name text not null, email text, balance numeric(12, 2), born date,
          joined timestamptz, active boolean
        );
        insert into customers
        select g, 'Customer ' || g, case when g % 10 = 0 then null else 'c' || g || '@example.test' end,
               g * 1.25, date '1970-01-01' + g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour',
               g % 2 = 0
        from generate_series(1, {CUSTOMERS}) g;
        create table orders (
          id bigserial primary key, customer_id int not null references customers, amount numeric(12, 2),
          placed_at timestamptz
        );
        insert into orders (customer_id, amount, placed_at)
        select g % {CUSTOMERS} + 1, g * 0.5, timestamptz '2024-06-01 00:00:00+00' + g * interval '1 minute'
        from generate_series(1, {ORDERS}) g;
        create table wide (id int primary key, body text);
        insert into wide select g, repeat('x', {WIDE_ROW_CHARS}) from generate_series(1, 3) g;
        create table secrets (id int primary key, secret text);
        insert into secrets values (1, 'the reader may not see this');
        create table special (
          id int primary key, nothing text, small int, big bigint, huge numeric, exact numeric(12, 2),
          ratio double precision, day date, moment timestamptz, clock time, flag boolean, words text,
          ident uuid, doc jsonb, list int[], raw bytea
        );
        insert into special values
          (1, null, 42, 9007199254740993, 123456789012345678901234567890.123, 12.50, 0.25, date '2024-02-29',
           timestamptz '2024-02-29 13:14:15.5+00', time '23:59:58', true, 'Zoë 東京 🚀 שלום',
           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{{"a": [1, "b", null]}}', array[1, 2, 3], '\\x00ff10'),
          (2, null, null, -5, 'NaN', null, 'Infinity', null, null, null, false, '', null, null, null, null);
        """
    )
    conn.execute(f"grant usage on schema public to {name}_reader, {name}_writer")
    conn.execute(f"grant select on customers, orders, wide, special to {name}_reader")
    conn.execute(f"grant all on all tables in schema public to {name}_writer")
    conn.execute(f"grant all on all sequences in schema public to {name}_writer")
    conn.execute(f"grant create on schema public to {name}_writer")
    conn.execute(f"grant temporary on database {name} to {name}_writer")
    conn.execute(f"set role {name}_writer")
    conn.execute(
        "create function write_something() returns int language sql as "
        "$$ insert into orders (customer_id, amount, placed_at) values (1, 1, now()) returning 1 $$"
    )
    conn.execute("reset role")


def postgres_fingerprint(admin_url: str) -> dict[str, Any]:
    """Every table's row versions and storage, sequences, the schema's objects, large objects, the
    target's roles (with their memberships) and settings.

    A row's version (ctid, xmin) changes with any write to it, even one that stores the same values, and
    a table's relfilenode with TRUNCATE or a rewrite, so comparing them shows that nothing was written.
    """
    with psycopg.connect(admin_url, autocommit=True) as conn:
        relations = conn.execute(
            "select c.relname, c.relkind, c.relfilenode from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') "
            "and c.relkind in ('r', 'S', 'v', 'm', 'p', 'f') order by 1"
        ).fetchall()
        contents = {
            relname: conn.execute(
                f'select last_value, is_called from "{relname}"'
                if relkind == "S"
                else "select count(*), md5(coalesce(string_agg(ctid::text || ':' || xmin::text, ',' "
                f"order by ctid), '')) from \"{relname}\""
            ).fetchone()
            for relname, relkind, _ in relations
            if relkind in ("r", "S")
        }
        return {
            "relations": relations,
            "contents": contents,
            "functions": conn.execute(
                "select proname, md5(prosrc) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                "where n.nspname = 'public' order by 1"
            ).fetchall(),
            "large_objects": conn.execute("select count(*) from pg_largeobject_metadata").fetchone(),
            # Only this target's: other test sessions on the same server make and drop their own.
            "roles": conn.execute(
                "select rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolbypassrls, "
                "(select array_agg(roleid::regrole::text order by 1) from pg_auth_members where member = r.oid) "
                "from pg_roles r where rolname like current_database() || '%' order by 1"
            ).fetchall(),
            "settings": conn.execute(
                "select setrole::regrole::text, setconfig from pg_db_role_setting "
                "where setdatabase = (select oid from pg_database where datname = current_database()) "
                "or setrole in (select oid from pg_roles where rolname like current_database() || '%') order by 1"
            ).fetchall(),
        }


# ---------------------------------------------------------------- MySQL / MariaDB


def _mysql_admin(database: str | None = None) -> pymysql.Connection:
    url = urlsplit(MYSQL_ADMIN_URL)
    return pymysql.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=unquote(url.username or "root"),
        password=unquote(url.password or ""),
        database=database,
        autocommit=True,
        charset="utf8mb4",
    )


@contextmanager
def mysql_target() -> Iterator[Target]:
    name = _name()
    url = urlsplit(MYSQL_ADMIN_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 3306
    reader_pw, writer_pw = _password(), _password()
    reader = ConnectionConfig("mysql", host, port, name, f"{name}_r", reader_pw, tls="disable")
    writer = ConnectionConfig("mysql", host, port, name, f"{name}_w", writer_pw, tls="disable")
    with _mysql_admin() as admin, admin.cursor() as cur:
        cur.execute(f"create database {name} character set utf8mb4")
        cur.execute(f"create user '{name}_r'@'%%' identified by %s", (reader_pw,))
        cur.execute(f"create user '{name}_w'@'%%' identified by %s", (writer_pw,))
    try:
        with _mysql_admin(name) as conn, conn.cursor() as cur:
            _mysql_fill(cur, name)
        with _mysql_as(writer) as conn, conn.cursor() as cur:
            cur.execute(
                "create function write_something() returns int modifies sql data begin "
                "insert into orders (customer_id, amount, placed_at) values (1, 1, now()); return 1; end"
            )
        yield Target(
            engine="mysql", name=name, reader=reader, writer=writer, admin_url=MYSQL_ADMIN_URL
        ).made()
    finally:
        with _mysql_admin() as admin, admin.cursor() as cur:
            cur.execute(f"drop database if exists {name}")
            cur.execute(f"drop user if exists '{name}_r'@'%', '{name}_w'@'%'")
            cur.execute("select count(*) from mysql.user where user like %s", (f"{name}%",))
            assert cur.fetchone() == (0,), f"the users of {name} are still there"


def _mysql_as(config: ConnectionConfig) -> pymysql.Connection:
    return pymysql.connect(
        host=config.host,
        port=config.port,
        user=config.user,
        password=config.password,
        database=config.database,
        autocommit=True,
        charset="utf8mb4",
    )


def _mysql_fill(cur: Any, name: str) -> None:
    statements = [
        """create table customers (
             id int primary key, name varchar(100) not null, email varchar(200), balance decimal(12, 2),
             born date, joined datetime, active boolean
           )""",
        f"""insert into customers
            select seq, concat('Customer ', seq), if(seq % 10 = 0, null, concat('c', seq, '@example.test')),
                   seq * 1.25, date '1970-01-01' + interval seq day,
                   timestamp '2024-01-01 00:00:00' + interval seq hour, seq % 2 = 0
            from seq_1_to_{CUSTOMERS}""",
        """create table orders (
             id bigint auto_increment primary key, customer_id int not null, amount decimal(12, 2),
             placed_at datetime, foreign key (customer_id) references customers (id)
           )""",
        f"""insert into orders (customer_id, amount, placed_at)
            select seq % {CUSTOMERS} + 1, seq * 0.5, timestamp '2024-06-01 00:00:00' + interval seq minute
            from seq_1_to_{ORDERS}""",
        "create table wide (id int primary key, body longtext)",
        f"insert into wide select seq, repeat('x', {WIDE_ROW_CHARS}) from seq_1_to_3",
        "create table secrets (id int primary key, secret text)",
        "insert into secrets values (1, 'the reader may not see this')",
        """create table special (
             id int primary key, nothing text, small int, big bigint unsigned, exact decimal(12, 2),
             ratio double, day date, moment datetime(6), clock time, flag boolean, words text,
             doc json, raw varbinary(10), bits bit(8)
           )""",
        """insert into special values
             (1, null, 42, 18446744073709551615, 12.50, 0.25, '2024-02-29', '2024-02-29 13:14:15.500000',
              '-838:59:59', true, 'Zoë 東京 🚀 שלום', '{"a": [1, "b", null]}', x'00ff10', b'00000101'),
             (2, null, null, 5, null, null, null, null, null, false, '', null, null, null)""",
    ]
    for statement in statements:
        cur.execute(statement)
    cur.execute(f"grant select on {name}.customers to '{name}_r'@'%'")
    for table in ("orders", "wide", "special"):
        cur.execute(f"grant select on {name}.{table} to '{name}_r'@'%'")
    cur.execute(f"grant all privileges on {name}.* to '{name}_w'@'%'")


def mysql_fingerprint(name: str) -> dict[str, Any]:
    """Every table's checksum and row count, the schema's tables and routines, the target's accounts and
    grants, and whether the outfile exists."""
    with _mysql_admin(name) as conn, conn.cursor() as cur:
        cur.execute(
            "select table_name, table_type from information_schema.tables where table_schema = %s order by 1",
            (name,),
        )
        tables = cur.fetchall()
        contents = {}
        for table, _ in tables:
            cur.execute(f"checksum table `{table}` extended")
            checksum = cur.fetchone()[1]
            cur.execute(f"select count(*) from `{table}`")
            contents[table] = (checksum, cur.fetchone()[0])
        cur.execute(
            "select routine_name, routine_definition from information_schema.routines "
            "where routine_schema = %s order by 1",
            (name,),
        )
        routines = cur.fetchall()
        # Only this target's accounts and their grants: other test sessions make and drop their own.
        cur.execute("select user, host from mysql.user where user like %s order by 1, 2", (f"{name}%",))
        users = []
        for user, host in cur.fetchall():
            cur.execute(f"show grants for '{user}'@'{host}'")
            users.append((user, host, sorted(grant for (grant,) in cur.fetchall())))
    return {
        "tables": tables,
        "contents": contents,
        "routines": routines,
        "users": users,
        "outfile": os.path.exists(OUTFILE),
    }


# ---------------------------------------------------------------- network trouble


def free_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts TCP connections and then never says anything."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


class FreezingProxy:
    """A TCP proxy to a real server that stops passing the server's answers on once the client has sent
    `marker`: the database still answers, but the answer never arrives."""

    def __init__(self, host: str, port: int, marker: bytes) -> None:
        self._upstream = (host, port)
        self._marker = marker
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def __aenter__(self) -> FreezingProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for writer in self._writers:
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self._upstream)
        self._writers += [client_writer, server_writer]
        frozen = asyncio.Event()

        async def upstream() -> None:
            while data := await client_reader.read(65_536):
                if self._marker in data:
                    frozen.set()
                server_writer.write(data)
                await server_writer.drain()
            server_writer.close()

        async def downstream() -> None:
            while data := await server_reader.read(65_536):
                if not frozen.is_set():
                    client_writer.write(data)
                    await client_writer.drain()
            if not frozen.is_set():
                client_writer.close()

        for coroutine in (upstream(), downstream()):
            task = asyncio.create_task(coroutine)
            self._tasks.add(task)
