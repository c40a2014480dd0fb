"""The local Anthropic server speaks the wire protocol the SDK expects, and its admin API works."""

from __future__ import annotations

import json

import httpx
import pytest

from backend.llm.demo.server import start_fake_anthropic

KEY = "sk-ant-test-valid"
BODY = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "ping pong"}],
}


@pytest.fixture(scope="module")
def fake():
    with start_fake_anthropic(tokens_per_second=0) as server:
        yield server


@pytest.fixture
def http(fake):
    fake.script.reset()
    with httpx.Client(base_url=fake.base_url, timeout=5) as client:
        yield client


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_streaming_event_sequence(http):
    response = http.post("/v1/messages", json={**BODY, "stream": True}, headers={"x-api-key": KEY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(names[3:-3]) == {"content_block_delta"}
    assert all(name == data["type"] for name, data in events)
    start = events[0][1]["message"]
    assert start["role"] == "assistant" and start["content"] == [] and start["usage"]["input_tokens"] > 0
    text = "".join(data["delta"]["text"] for name, data in events if name == "content_block_delta")
    assert text == 'You said: "ping pong"'
    delta = events[-2][1]
    assert delta["delta"]["stop_reason"] == "end_turn"
    assert delta["usage"]["output_tokens"] == len(names[3:-3])


def test_json_reply_and_bearer_auth(http):
    response = http.post("/v1/messages", json=BODY, headers={"authorization": f"Bearer {KEY}"})
    message = response.json()
    assert message["type"] == "message"
    assert message["content"] == [{"type": "text", "text": 'You said: "ping pong"'}]
    assert message["usage"]["output_tokens"] == 4


def test_invalid_key_has_anthropic_error_shape(http):
    response = http.post("/v1/messages", json=BODY, headers={"x-api-key": "nope"})
    assert response.status_code == 401
    assert response.json() == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }


def test_bad_request_is_rejected(http):
    bad = {**BODY, "messages": [{"role": "assistant", "content": "hi"}]}
    response = http.post("/v1/messages", json=bad, headers={"x-api-key": KEY})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_admin_script_errors_and_replies_are_used_in_order(http):
    script = {
        "errors": [{"kind": "rate_limit", "retry_after": 3}, "overloaded"],
        "replies": ["Scripted one."],
    }
    assert http.post("/_fake/script", json=script).json()["pending_errors"] == 2
    first = http.post("/v1/messages", json=BODY, headers={"x-api-key": KEY})
    assert first.status_code == 429 and first.headers["retry-after"] == "3"
    assert first.json()["error"]["type"] == "rate_limit_error"
    second = http.post("/v1/messages", json=BODY, headers={"x-api-key": KEY})
    assert second.status_code == 529 and second.json()["error"]["type"] == "overloaded_error"
    third = http.post("/v1/messages", json=BODY, headers={"x-api-key": KEY})
    assert third.json()["content"][0]["text"] == "Scripted one."


def test_admin_rejects_unknown_error_kind(http):
    assert http.post("/_fake/script", json={"errors": ["explode"]}).status_code == 400


def test_reply_length_and_recorded_requests(http):
    http.post("/_fake/script", json={"reply_tokens": 25, "valid_keys": ["k2"]})
    response = http.post("/v1/messages", json=BODY, headers={"x-api-key": "k2"})
    assert response.json()["usage"]["output_tokens"] == 25
    recorded = http.get("/_fake/requests").json()
    assert recorded[-1]["api_key"] == "k2"
    assert recorded[-1]["body"]["messages"] == BODY["messages"]
    assert "x-api-key" not in recorded[-1]["headers"]
    http.post("/_fake/reset")
    assert http.get("/_fake/requests").json() == []
