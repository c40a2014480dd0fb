"""backend.llm against the local Anthropic server, through the real `anthropic` SDK."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from backend.llm import Completion, LLMError, TextDelta, stream_reply, verify_api_key
from backend.llm.clients import forget_clients, shared_client
from backend.llm.demo.server import start_fake_anthropic

VALID_KEY = "sk-ant-test-valid-0123456789"
SECRET_LOOKING_KEY = "sk-ant-DO-NOT-LEAK-42"
MODEL = "claude-sonnet-4-6"


@pytest.fixture(scope="module")
def fake():
    with start_fake_anthropic(valid_keys=(VALID_KEY,), tokens_per_second=0) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_script(fake):
    fake.script.reset()
    fake.script.valid_keys = {VALID_KEY}
    fake.script.tokens_per_second = 0
    yield


async def collect(
    fake, *, api_key=VALID_KEY, messages=None, timeout=5.0, max_tokens=1024, system="Be brief."
):
    events = []
    async for event in stream_reply(
        api_key=api_key,
        model=MODEL,
        system=system,
        messages=messages or [{"role": "user", "content": "hello there"}],
        base_url=fake.base_url,
        max_tokens=max_tokens,
        timeout=timeout,
    ):
        events.append(event)
    return events


async def failure(fake, **kwargs) -> tuple[LLMError, list]:
    received: list = []
    with pytest.raises(LLMError) as caught:
        async for event in stream_reply(
            api_key=kwargs.pop("api_key", VALID_KEY),
            model=MODEL,
            system=None,
            messages=[{"role": "user", "content": "tell me a story"}],
            base_url=fake.base_url,
            max_tokens=1024,
            timeout=kwargs.pop("timeout", 5.0),
        ):
            received.append(event)
    return caught.value, received


async def test_stream_yields_text_in_order_then_usage(fake):
    fake.script.add_replies("One two three four five.")
    events = await collect(fake)
    deltas = [event.text for event in events if isinstance(event, TextDelta)]
    assert deltas == ["One ", "two ", "three ", "four ", "five."]
    assert isinstance(events[-1], Completion)
    assert [type(event) for event in events].count(Completion) == 1
    usage = events[-1]
    assert usage.output_tokens == 5
    assert usage.input_tokens > 0
    assert usage.stop_reason == "end_turn"
    assert usage.model == MODEL


async def test_default_reply_quotes_last_user_message_and_history_is_sent(fake):
    history = [
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": "first answer"},
        {"role": "user", "content": "second question"},
    ]
    events = await collect(fake, messages=history, system="You are Skopx.")
    text = "".join(event.text for event in events if isinstance(event, TextDelta))
    assert text == 'You said: "second question"'
    sent = fake.script.requests[-1]["body"]
    assert sent["messages"] == history
    assert sent["system"] == "You are Skopx."
    assert sent["stream"] is True
    assert fake.script.requests[-1]["api_key"] == VALID_KEY


async def test_input_tokens_grow_with_history(fake):
    short = (await collect(fake, messages=[{"role": "user", "content": "hi"}]))[-1]
    long = (await collect(fake, messages=[{"role": "user", "content": "word " * 400}]))[-1]
    assert long.input_tokens > short.input_tokens + 400


async def test_max_tokens_truncates_with_stop_reason(fake):
    fake.script.configure({"reply_tokens": 50})
    events = await collect(fake, max_tokens=10)
    assert sum(isinstance(event, TextDelta) for event in events) == 10
    assert events[-1].stop_reason == "max_tokens"
    assert events[-1].output_tokens == 10


async def test_token_rate_is_respected(fake):
    fake.script.configure({"reply_tokens": 10, "tokens_per_second": 50})
    started = time.monotonic()
    await collect(fake)
    assert time.monotonic() - started >= 10 / 50 * 0.9


async def test_invalid_key_is_classified_and_never_echoed(fake, caplog):
    caplog.set_level(logging.DEBUG)
    error, received = await failure(fake, api_key=SECRET_LOOKING_KEY)
    assert error.kind == "invalid_key"
    assert error.detail == "Your Anthropic API key was rejected. Update it in Settings."
    assert error.retryable is False
    assert received == []
    for text in (str(error), repr(error), error.detail, caplog.text):
        assert SECRET_LOOKING_KEY not in text
    assert error.__cause__ is None and error.__suppress_context__


@pytest.mark.parametrize(
    ("injected", "kind", "status"),
    [
        ({"kind": "rate_limit", "retry_after": 7}, "busy", 429),
        ("overloaded", "busy", 529),
        ("api_error", "server_error", 500),
        ("permission", "invalid_key", 403),
        ("invalid_request", "bad_request", 400),
    ],
)
async def test_status_errors_are_classified(fake, injected, kind, status):
    fake.script.add_errors(injected)
    error, received = await failure(fake)
    assert (error.kind, error.status, error.during_stream) == (kind, status, False)
    assert received == []
    if kind == "busy":
        assert error.detail == "Claude is busy right now. Retry in a moment."
        assert error.retryable
    if status == 429:
        assert error.retry_after == 7


async def test_errors_are_not_retried_silently_and_retry_then_succeeds(fake):
    fake.script.add_errors("rate_limit")
    error, _ = await failure(fake)
    assert error.kind == "busy"
    assert len(fake.script.requests) == 1
    events = await collect(fake)
    assert isinstance(events[-1], Completion)


async def test_timeout_before_first_token(fake):
    fake.script.add_errors({"kind": "hang", "seconds": 5})
    started = time.monotonic()
    error, received = await failure(fake, timeout=0.5)
    assert error.kind == "timeout" and error.retryable and not error.during_stream
    assert received == []
    assert time.monotonic() - started < 4


async def test_stall_mid_stream_times_out_and_keeps_partial(fake):
    fake.script.add_errors({"kind": "stall", "after_tokens": 3, "seconds": 5})
    error, received = await failure(fake, timeout=0.5)
    assert error.kind == "timeout" and error.during_stream
    assert len(received) == 3 and all(isinstance(event, TextDelta) for event in received)


async def test_connection_dropped_mid_stream(fake):
    fake.script.configure({"reply_tokens": 20})
    fake.script.add_errors({"kind": "drop", "after_tokens": 4})
    error, received = await failure(fake)
    assert error.kind == "connection_lost"
    assert error.during_stream and error.retryable
    assert [event.text for event in received] == ["You ", "said: ", '"tell ', "me "]


async def test_error_event_mid_stream(fake):
    fake.script.add_errors({"kind": "stream_error", "after_tokens": 2, "type": "overloaded_error"})
    error, received = await failure(fake)
    assert error.kind == "busy" and error.during_stream
    assert len(received) == 2


async def test_closing_the_stream_early_stops_generation(fake):
    fake.script.configure({"reply_tokens": 200, "tokens_per_second": 100})
    stream = stream_reply(
        api_key=VALID_KEY,
        model=MODEL,
        system=None,
        messages=[{"role": "user", "content": "go"}],
        base_url=fake.base_url,
        max_tokens=1024,
        timeout=5,
    )
    received = [await anext(stream), await anext(stream)]
    await stream.aclose()
    assert all(isinstance(event, TextDelta) for event in received)


async def test_verify_api_key(fake):
    await verify_api_key(VALID_KEY, fake.base_url)
    with pytest.raises(LLMError) as rejected:
        await verify_api_key(SECRET_LOOKING_KEY, fake.base_url)
    assert rejected.value.kind == "invalid_key"
    assert SECRET_LOOKING_KEY not in str(rejected.value)
    with pytest.raises(LLMError) as empty:
        await verify_api_key("  ", fake.base_url)
    assert empty.value.kind == "invalid_key"


async def test_unreachable_server_is_connection_lost():
    with pytest.raises(LLMError) as caught:
        async for _ in stream_reply(
            api_key=VALID_KEY,
            model=MODEL,
            system=None,
            messages=[{"role": "user", "content": "hi"}],
            base_url="http://127.0.0.1:9",
            max_tokens=10,
            timeout=2,
        ):
            pass
    assert caught.value.kind in {"connection_lost", "timeout"}
    assert caught.value.retryable


async def test_concurrent_streams_get_their_own_tokens_in_order(fake):
    fake.script.configure({"tokens_per_second": 200})

    async def ask(index: int) -> str:
        events = await collect(fake, messages=[{"role": "user", "content": f"conversation {index} says hi"}])
        assert isinstance(events[-1], Completion)
        return "".join(event.text for event in events if isinstance(event, TextDelta))

    answers = await asyncio.gather(*(ask(index) for index in range(20)))
    assert answers == [f'You said: "conversation {index} says hi"' for index in range(20)]


async def test_clients_are_reused_per_key_but_not_across_keys():
    first = shared_client(api_key="sk-ant-a", base_url="http://127.0.0.1:1")
    assert shared_client(api_key="sk-ant-a", base_url="http://127.0.0.1:1") is first
    assert shared_client(api_key="sk-ant-b", base_url="http://127.0.0.1:1") is not first
    forget_clients()
    assert shared_client(api_key="sk-ant-a", base_url="http://127.0.0.1:1") is not first
