"""Projects, conversations and chat services: the real database (RLS) and the real SDK on the fake server."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

import psycopg
import pytest

from backend.config import Settings, get_settings
from backend.errors import Forbidden, Invalid, NotFound, RateLimited
from backend.llm import LLMError, estimate_tokens
from backend.llm.demo.script import FakeAnthropicScript
from backend.llm.demo.server import start_fake_anthropic
from backend.llm.history import MESSAGE_OVERHEAD_TOKENS
from backend.services import chat, chat_reply, conversations, projects, request_budget, tasks
from backend.services.context import RequestContext
from tests.integration.factories import ctx_for

KEY = "sk-ant-test-chat-services-000000000000000000"


@pytest.fixture(scope="module")
def fake():
    with start_fake_anthropic(valid_keys=(KEY,), tokens_per_second=0) as server:
        yield server


@dataclass(frozen=True)
class FakeClaude:
    script: FakeAnthropicScript
    settings: Settings  # what chat runs with: the fake's address and the server's key, no demo model


@pytest.fixture
def llm(fake):
    """Chat against the fake server, paid by the server key; the fake's script is reset after each test."""
    fake.script.reset()
    fake.script.valid_keys = {KEY}
    fake.script.tokens_per_second = 0
    settings = dataclasses.replace(
        get_settings(), anthropic_base_url=fake.base_url, anthropic_api_key=KEY, fake_llm=False
    )
    yield FakeClaude(fake.script, settings)
    fake.script.reset()


async def new_conversation(ctx: RequestContext, name: str = "Chat tests") -> conversations.Conversation:
    project = await projects.create_project(ctx=ctx, name=f"{name} {uuid.uuid4().hex[:6]}")
    return await conversations.create_conversation(ctx=ctx, project_id=project.id)


def stored(admin: psycopg.Connection, conversation_id: str) -> list[dict]:
    return admin.execute(
        "select role, content, status, input_tokens, output_tokens from messages where conversation_id = %s"
        " order by created_at, (role = 'assistant')",
        (conversation_id,),
    ).fetchall()


async def run_turn(
    ctx: RequestContext, conversation_id: str, text: str, settings: Settings
) -> tuple[chat.Turn, str]:
    turn = await chat.start_turn(ctx=ctx, conversation_id=conversation_id, text=text, settings=settings)
    reply = "".join([piece async for piece in chat.stream_turn(turn)])
    await chat.finish_turn(ctx=ctx, turn=turn, text=reply, status="complete")
    return turn, reply


async def test_user_message_is_stored_before_the_model_is_called(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_replies("Hello **there**.")
    turn = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="What is Skopx?\nMore.", settings=llm.settings
    )
    assert llm.script.requests == [], "the model must not be called before the message is stored"
    user = ("user", "What is Skopx?\nMore.", "complete")
    assert [(r["role"], r["content"], r["status"]) for r in stored(admin, conversation.id)] == [
        user,
        ("assistant", "", "streaming"),
    ], "the reply's row is created with the turn, empty and streaming"
    assert turn.title == "What is Skopx?"
    reply = "".join([piece async for piece in chat.stream_turn(turn)])
    await chat.finish_turn(ctx=ctx, turn=turn, text=reply, status="complete")
    rows = stored(admin, conversation.id)
    assert [(r["role"], r["content"], r["status"]) for r in rows] == [
        user,
        ("assistant", "Hello **there**.", "complete"),
    ]
    assert (
        await conversations.get_conversation(ctx=ctx, conversation_id=conversation.id)
    ).title == "What is Skopx?"


async def test_a_failed_call_keeps_the_user_message_and_the_partial_reply(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_errors("rate_limit")
    turn = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="First try", settings=llm.settings
    )
    with pytest.raises(LLMError) as failure:
        async for _ in chat.stream_turn(turn):
            pass
    assert failure.value.kind == "busy" and failure.value.retryable and not failure.value.during_stream
    assert await chat.finish_turn(ctx=ctx, turn=turn, text="", status="error") is None
    assert [r["role"] for r in stored(admin, conversation.id)] == ["user"]

    llm.script.add_errors({"kind": "drop", "after_tokens": 3})
    llm.script.add_replies("one two three four five six")
    retry = await chat.start_retry(ctx=ctx, conversation_id=conversation.id, settings=llm.settings)
    assert retry.user_message is None and retry.history[-1] == {"role": "user", "content": "First try"}
    partial = ""
    with pytest.raises(LLMError) as dropped:
        async for piece in chat.stream_turn(retry):
            partial += piece
    assert dropped.value.during_stream and partial == "one two three "
    await chat.finish_turn(ctx=ctx, turn=retry, text=partial, status="error")

    llm.script.add_replies("All good now.")
    again = await chat.start_retry(ctx=ctx, conversation_id=conversation.id, settings=llm.settings)
    assert [m["role"] for m in again.history] == ["user"], "a failed partial reply is not sent back"
    reply = "".join([p async for p in chat.stream_turn(again)])
    await chat.finish_turn(ctx=ctx, turn=again, text=reply, status="complete")
    assert [(r["role"], r["status"], r["content"]) for r in stored(admin, conversation.id)] == [
        ("user", "complete", "First try"),
        ("assistant", "error", "one two three "),
        ("assistant", "complete", "All good now."),
    ]
    with pytest.raises(Invalid):
        await chat.start_retry(ctx=ctx, conversation_id=conversation.id, settings=llm.settings)


async def test_stop_keeps_the_partial_reply_marked_stopped(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_replies("alpha beta gamma delta epsilon zeta eta theta")
    turn = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Count", settings=llm.settings
    )
    received = []
    stream = chat.stream_turn(turn)
    async for piece in stream:
        received.append(piece)
        if len(received) == 3:
            break
    await stream.aclose()
    await chat.finish_turn(ctx=ctx, turn=turn, text="".join(received), status="stopped")
    last = stored(admin, conversation.id)[-1]
    assert (last["content"], last["status"]) == ("alpha beta gamma ", "stopped")
    assert last["output_tokens"] == estimate_tokens("alpha beta gamma ")


async def test_usage_rows_record_model_tokens_and_key_source(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_replies("one two three four")
    turn, _ = await run_turn(ctx, conversation.id, "Count to four", llm.settings)
    usage = admin.execute(
        "select user_id, model, input_tokens, output_tokens, key_source from usage_events where conversation_id = %s",
        (conversation.id,),
    ).fetchall()
    assert usage == [
        {
            "user_id": world.a.users["member"],
            "model": llm.settings.model,
            "input_tokens": turn.completion.input_tokens,
            "output_tokens": 4,
            "key_source": "server",
        }
    ]
    assert turn.completion.input_tokens > 0
    request = llm.script.requests[-1]
    assert request["api_key"] == KEY and request["body"]["model"] == llm.settings.model


async def test_history_sent_to_the_model_stays_within_the_budget(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    for index in range(12):  # 12 earlier exchanges of ~100 tokens per message
        llm.script.add_replies(f"answer {index} " + "word " * 80)
        await run_turn(ctx, conversation.id, f"question {index} " + "text " * 80, llm.settings)
    budget = 700
    llm.script.add_replies("short")
    await run_turn(
        ctx,
        conversation.id,
        "And the latest question?",
        dataclasses.replace(llm.settings, context_budget_tokens=budget),
    )
    sent = llm.script.requests[-1]["body"]["messages"]
    used = sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in sent)
    assert used <= budget
    assert sent[-1] == {"role": "user", "content": "And the latest question?"}
    assert sent[0]["role"] == "user" and 1 < len(sent) < 25
    all_messages = [(r["role"], r["content"]) for r in stored(admin, conversation.id)][:-1]
    assert [(m["role"], m["content"]) for m in sent] == all_messages[-len(sent) :], (
        "the most recent, contiguous"
    )


async def test_another_organizations_conversation_is_not_found(world, llm) -> None:
    theirs = await new_conversation(ctx_for(world, "member", "other"))
    for role in ("owner", "member", "viewer"):
        ctx = ctx_for(world, role)
        with pytest.raises(NotFound):
            await chat.start_turn(ctx=ctx, conversation_id=theirs.id, text="hello?", settings=llm.settings)
        with pytest.raises(NotFound):
            await conversations.get_messages(ctx=ctx, conversation_id=theirs.id)
        with pytest.raises(NotFound):
            await conversations.rename_conversation(ctx=ctx, conversation_id=theirs.id, title="mine now")
        with pytest.raises(NotFound):
            await conversations.delete_conversation(ctx=ctx, conversation_id=theirs.id)
    with pytest.raises(NotFound):
        await chat.start_turn(
            ctx=ctx_for(world, "owner"), conversation_id="not-a-uuid", text="hello?", settings=llm.settings
        )
    assert llm.script.requests == []


async def test_member_cannot_change_someone_elses_project(world) -> None:
    admin_ctx, member_ctx = ctx_for(world, "admin"), ctx_for(world, "member")
    project = await projects.create_project(ctx=admin_ctx, name=f"Admin's shared {uuid.uuid4().hex[:6]}")
    seen = await projects.get_project(ctx=member_ctx, project_id=project.id)
    assert not seen.can_edit and seen.owner_name == "Admin A"
    for change in (
        projects.rename_project(ctx=member_ctx, project_id=project.id, name="Taken over"),
        projects.set_visibility(ctx=member_ctx, project_id=project.id, visibility="private"),
        projects.set_archived(ctx=member_ctx, project_id=project.id, archived=True),
        projects.delete_project(ctx=member_ctx, project_id=project.id),
    ):
        with pytest.raises(Forbidden):
            await change
    assert (await projects.get_project(ctx=admin_ctx, project_id=project.id)).name == project.name
    # The member's own project: rename, make private, archive, delete.
    own = await projects.create_project(ctx=member_ctx, name="Mine", description="d", visibility="shared")
    assert (
        await projects.rename_project(ctx=member_ctx, project_id=own.id, name="  Mine,  renamed ")
    ).name == ("Mine, renamed")
    assert (
        await projects.set_visibility(ctx=member_ctx, project_id=own.id, visibility="private")
    ).visibility == ("private")
    assert (await projects.set_archived(ctx=member_ctx, project_id=own.id, archived=True)).archived
    assert own.id not in {p.id for p in await projects.list_projects(ctx=member_ctx)}
    assert own.id in {p.id for p in await projects.list_projects(ctx=member_ctx, include_archived=True)}
    assert [
        p.id for p in await projects.list_projects(ctx=member_ctx, search="renamed", include_archived=True)
    ] == [own.id]
    await projects.delete_project(ctx=member_ctx, project_id=own.id)
    with pytest.raises(NotFound):
        await projects.get_project(ctx=member_ctx, project_id=own.id)
    # An admin may change anyone's project.
    mine = await projects.create_project(ctx=member_ctx, name="Member's")
    assert (await projects.rename_project(ctx=admin_ctx, project_id=mine.id, name="Tidied")).name == "Tidied"


async def test_viewer_cannot_write(world, llm) -> None:
    viewer = ctx_for(world, "viewer")
    shared = str(world.a.rows["projects:shared"]["id"])
    visible = await projects.list_projects(ctx=viewer)
    assert shared in {p.id for p in visible} and not any(p.can_edit for p in visible)
    with pytest.raises(Forbidden):
        await projects.create_project(ctx=viewer, name="Nope")
    with pytest.raises(Forbidden):
        await conversations.create_conversation(ctx=viewer, project_id=shared)
    with pytest.raises(Forbidden):
        await tasks.add_task(ctx=viewer, project_id=shared, title="Nope")
    conversation = str(world.a.rows["conversations:shared"]["id"])
    found, messages = await conversations.get_messages(ctx=viewer, conversation_id=conversation)
    assert not found.can_chat and not found.can_manage and messages[0].content == "hi"
    with pytest.raises(Forbidden):
        await chat.start_turn(
            ctx=viewer, conversation_id=conversation, text="Let me in", settings=llm.settings
        )
    # Someone else's conversation is read-only for a member too (the creator alone posts in it).
    with pytest.raises(Forbidden):
        await chat.start_turn(
            ctx=ctx_for(world, "admin"), conversation_id=conversation, text="hi", settings=llm.settings
        )
    assert llm.script.requests == []


async def test_tasks_and_conversation_lists(world) -> None:
    member = ctx_for(world, "member")
    project = await projects.create_project(ctx=member, name=f"Tasks {uuid.uuid4().hex[:6]}")
    task = await tasks.add_task(ctx=member, project_id=project.id, title="Write notes")
    assert (await tasks.set_task_status(ctx=member, task_id=task.id, status="doing")).status == "doing"
    with pytest.raises(Invalid):
        await tasks.set_task_status(ctx=member, task_id=task.id, status="blocked")
    with pytest.raises(Forbidden):
        await tasks.delete_task(ctx=ctx_for(world, "viewer"), task_id=task.id)
    await tasks.delete_task(ctx=member, task_id=task.id)
    assert await tasks.list_tasks(ctx=member, project_id=project.id) == []
    first = await conversations.create_conversation(ctx=member, project_id=project.id)
    renamed = await conversations.rename_conversation(ctx=member, conversation_id=first.id, title="Plans")
    groups = conversations.group_by_project(await conversations.list_conversations(ctx=member))
    assert groups[0][1] == project.name and [c.title for c in groups[0][2]] == ["Plans"]
    assert renamed.can_chat and renamed.can_manage
    await conversations.delete_conversation(ctx=member, conversation_id=first.id)
    assert await conversations.list_conversations(ctx=member, project_id=project.id) == []


async def test_message_limits_and_the_shared_request_budget() -> None:
    with pytest.raises(Invalid, match="Shorten yours by 1 character"):
        chat.clean_message("x" * (chat.MAX_MESSAGE_CHARS + 1))
    with pytest.raises(Invalid):
        chat.clean_message("   \n ")
    assert chat.clean_message("  hi \n") == "hi"
    peer = f"192.0.2.{uuid.uuid4().int % 200 + 1}"
    for _ in range(100):
        await request_budget.spend(peer=peer, headers={})
    with pytest.raises(RateLimited, match=r"100 requests a minute\. Try again in") as refused:
        await request_budget.spend(peer=peer, headers={})
    assert 0 < refused.value.retry_after <= 60


def assistant_rows(admin: psycopg.Connection, conversation_id: str) -> list[dict]:
    return admin.execute(
        "select id::text as id, content, status from messages where conversation_id = %s and role = 'assistant'"
        " order by created_at, id",
        (conversation_id,),
    ).fetchall()


def usage_count(admin: psycopg.Connection, conversation_id: str) -> int:
    return admin.execute(
        "select count(*) as n from usage_events where conversation_id = %s", (conversation_id,)
    ).fetchone()["n"]


async def test_the_reply_is_saved_as_it_grows(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    words = " ".join(f"w{i}" for i in range(30))
    llm.script.add_replies(words)
    llm.script.tokens_per_second = 30
    turn = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Slowly, please", settings=llm.settings
    )
    parts: list[str] = []
    saver = chat_reply.ReplySaver(ctx, turn.reply_id, parts, every=0.2).start()
    seen = []
    async for piece in chat.stream_turn(turn):
        parts.append(piece)
        [row] = assistant_rows(admin, conversation.id)
        seen.append((row["content"], row["status"]))
    await saver.stop()
    shown = "".join(parts)
    saves = sorted({content for content, _ in seen}, key=len)
    assert {status for _, status in seen} == {"streaming"}
    assert len(saves) >= 3, f"the text should be saved several times while streaming, saw {saves}"
    assert all(shown.startswith(content) for content in saves)
    assert usage_count(admin, conversation.id) == 0, "usage is recorded once, when the reply is finished"
    message = await chat.finish_turn(ctx=ctx, turn=turn, text=shown, status="complete")
    assert message.id == turn.reply_id
    assert [(r["content"], r["status"]) for r in assistant_rows(admin, conversation.id)] == [
        (words, "complete")
    ]
    assert usage_count(admin, conversation.id) == 1


async def test_a_repeated_final_write_stores_no_second_usage_row(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_replies("Once only.")
    turn, reply = await run_turn(ctx, conversation.id, "Once?", llm.settings)
    again = await chat.finish_turn(ctx=ctx, turn=turn, text=reply, status="complete")
    late = await chat.save_when_back(ctx=ctx, turn=turn, text=reply)
    assert (again.id, again.status, late.id, late.status) == (
        turn.reply_id,
        "complete",
        turn.reply_id,
        "complete",
    )
    assert [(r["content"], r["status"]) for r in assistant_rows(admin, conversation.id)] == [
        ("Once only.", "complete")
    ]
    assert usage_count(admin, conversation.id) == 1


async def test_a_reply_still_streaming_is_neither_history_nor_the_latest_message(world, llm, admin) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    llm.script.add_replies("Settled answer.")
    await run_turn(ctx, conversation.id, "First question", llm.settings)
    other_tab = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Second question", settings=llm.settings
    )
    admin.execute("update messages set content = 'half of an ans' where id = %s", (other_tab.reply_id,))
    third = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Third question", settings=llm.settings
    )
    assert third.history == [
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "Settled answer."},
        {"role": "user", "content": "Second question\n\nThird question"},
    ]
    assert [r["status"] for r in assistant_rows(admin, conversation.id)] == [
        "complete",
        "streaming",
        "streaming",
    ]
    await chat.finish_turn(ctx=ctx, turn=third, text="", status="error")
    retry = await chat.start_retry(ctx=ctx, conversation_id=conversation.id, settings=llm.settings)
    assert retry.history[-1] == {"role": "user", "content": "Second question\n\nThird question"}
    assert [r["id"] for r in assistant_rows(admin, conversation.id)][1:] == [
        other_tab.reply_id,
        retry.reply_id,
    ]


async def test_replies_abandoned_while_streaming_become_interrupted_at_the_next_turn(
    world, llm, admin
) -> None:
    ctx = ctx_for(world, "member")
    conversation = await new_conversation(ctx)
    first = await chat.start_turn(ctx=ctx, conversation_id=conversation.id, text="One", settings=llm.settings)
    second = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Two", settings=llm.settings
    )
    live = await chat.start_turn(
        ctx=ctx, conversation_id=conversation.id, text="Three", settings=llm.settings
    )
    for started, seconds_ago in (
        (first, chat_reply.ABANDONED_AFTER_SECONDS + 120),
        (second, chat_reply.ABANDONED_AFTER_SECONDS + 60),
        (live, chat_reply.ABANDONED_AFTER_SECONDS - 60),
    ):
        admin.execute(
            "update messages set created_at = now() - make_interval(secs => %s) where id = any(%s::uuid[])",
            (seconds_ago, [started.reply_id, started.user_message.id]),
        )
    admin.execute("update messages set content = 'Partial one' where id = %s", (first.reply_id,))
    turn = await chat.start_turn(ctx=ctx, conversation_id=conversation.id, text="Four", settings=llm.settings)
    rows = {r["id"]: (r["content"], r["status"]) for r in assistant_rows(admin, conversation.id)}
    assert rows == {
        first.reply_id: ("Partial one", "interrupted"),
        live.reply_id: ("", "streaming"),
        turn.reply_id: ("", "streaming"),
    }, "an abandoned reply with text is interrupted, an empty one deleted, a recent one left alone"
    assert turn.history == [
        {"role": "user", "content": "One"},
        {"role": "assistant", "content": "Partial one"},
        {"role": "user", "content": "Two\n\nThree\n\nFour"},
    ]
    _, messages = await conversations.get_messages(ctx=ctx, conversation_id=conversation.id)
    assert [m.status for m in messages if m.role == "assistant"] == ["interrupted", "streaming", "streaming"]
    assert usage_count(admin, conversation.id) == 0
