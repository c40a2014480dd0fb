"""A local server speaking Anthropic's Messages API, for tests and `SKOPX_FAKE_LLM=1` demos.

    POST /v1/messages        streaming (SSE, the exact event sequence Anthropic sends) or JSON
    GET  /v1/models          for API-key verification
    POST /_fake/script       {"errors": [...], "replies": [...], "reply": "...", "reply_tokens": 500,
                              "tokens_per_second": 50, "valid_keys": [...], "record_token_times": true}
    POST /_fake/reset        back to defaults, forget recorded requests
    GET  /_fake/requests     requests received (api key, headers, JSON body), oldest first
    GET  /_fake/health

Error kinds for "errors" (each is used by one request, in order): a string or
{"kind": ..., "after_tokens": N, "retry_after": S, "seconds": S, "type": "overloaded_error"}:
authentication, permission, invalid_request, not_found, rate_limit, api_error, overloaded,
hang (no answer for `seconds`), drop (close the connection after N tokens), stall (stop
sending after N tokens), stream_error (an SSE `error` event after N tokens).

Python: `start_fake_anthropic()` returns a running server (`.base_url`, `.script`, `.stop()`).
CLI: `python -m backend.llm.demo.server --port 8765 [--valid-key K ...] [--tokens-per-second 50]`.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from backend.llm.demo.runner import RunningServer, start_in_thread
from backend.llm.demo.script import STATUS_ERRORS, FakeAnthropicScript, error_body
from backend.llm.demo.sse import json_message, stream_events


def _error_response(status: int, error_type: str, message: str, headers: dict[str, str] | None = None):
    all_headers = {"request-id": f"req_{uuid.uuid4().hex[:24]}", **(headers or {})}
    return JSONResponse(error_body(error_type, message), status_code=status, headers=all_headers)


def _api_key(request: Request) -> str | None:
    """The key from `x-api-key` or `Authorization: Bearer` (the SDK 2.x sends the latter)."""
    if key := request.headers.get("x-api-key"):
        return key
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _validation_error(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    if not body.get("model"):
        return "model: field required"
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        return "max_tokens: must be a positive integer"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in {"user", "assistant"}:
            return f"messages.{index}.role: must be 'user' or 'assistant'"
        if not message.get("content"):
            return f"messages.{index}: all messages must have non-empty content"
    if messages[0]["role"] != "user":
        return "messages: first message must use the 'user' role"
    return None


def create_app(script: FakeAnthropicScript | None = None) -> Starlette:
    script = script or FakeAnthropicScript()

    def authenticate(request: Request) -> Response | None:
        if not script.is_valid_key(_api_key(request)):
            return _error_response(401, "authentication_error", "invalid x-api-key")
        return None

    async def messages(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        api_key = _api_key(request)
        headers = {k: v for k, v in request.headers.items() if k not in {"x-api-key", "authorization"}}
        entry = script.record(api_key=api_key, headers=headers, body=body)
        if (denied := authenticate(request)) is not None:
            return denied
        if (problem := _validation_error(body)) is not None:
            return _error_response(400, "invalid_request_error", problem)
        error = script.next_error()
        if error is not None and error.kind in STATUS_ERRORS:
            status, error_type, message = STATUS_ERRORS[error.kind]
            extra = {"retry-after": str(error.retry_after)} if status == 429 else None
            return _error_response(status, error_type, message, extra)
        if error is not None and error.kind == "hang":
            await asyncio.sleep(error.seconds)
            error = None
        reply = script.next_reply(body)
        entry["reply"] = reply.text
        if not body.get("stream"):
            return JSONResponse(json_message(body, reply), headers={"request-id": f"req_{uuid.uuid4().hex}"})
        return StreamingResponse(
            stream_events(script, body, reply, error, entry),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "request-id": f"req_{uuid.uuid4().hex[:24]}"},
        )

    async def models(request: Request) -> Response:
        if (denied := authenticate(request)) is not None:
            return denied
        model = {
            "type": "model",
            "id": "claude-sonnet-4-6",
            "display_name": "Claude Sonnet 4.6 (local fake)",
            "created_at": "2025-09-29T00:00:00Z",
        }
        return JSONResponse(
            {"data": [model], "has_more": False, "first_id": model["id"], "last_id": model["id"]}
        )

    async def set_script(request: Request) -> Response:
        try:
            script.configure(await request.json())
        except (ValueError, TypeError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(
            {"ok": True, "pending_errors": len(script.errors), "pending_replies": len(script.replies)}
        )

    async def reset(_: Request) -> Response:
        script.reset()
        return JSONResponse({"ok": True})

    async def list_requests(_: Request) -> Response:
        return JSONResponse(list(script.requests))

    async def health(_: Request) -> Response:
        return JSONResponse({"ok": True, "fake": "anthropic"})

    app = Starlette(
        routes=[
            Route("/v1/messages", messages, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/_fake/script", set_script, methods=["POST"]),
            Route("/_fake/reset", reset, methods=["POST"]),
            Route("/_fake/requests", list_requests, methods=["GET"]),
            Route("/_fake/health", health, methods=["GET"]),
        ]
    )
    app.state.script = script
    return app


@dataclass
class RunningFakeAnthropic:
    server: RunningServer
    script: FakeAnthropicScript

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> RunningFakeAnthropic:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_fake_anthropic(
    *, port: int = 0, valid_keys: tuple[str, ...] | None = None, tokens_per_second: float | None = None
) -> RunningFakeAnthropic:
    """Start the fake in a background thread on `port` (0 = any free port)."""
    script = FakeAnthropicScript()
    if valid_keys is not None:
        script.valid_keys = set(valid_keys)
    if tokens_per_second is not None:
        script.tokens_per_second = tokens_per_second
    server = start_in_thread(create_app(script), port=port, log_level="critical")
    return RunningFakeAnthropic(server=server, script=script)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Local fake of Anthropic's Messages API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--valid-key", action="append", dest="valid_keys", help="accepted x-api-key")
    parser.add_argument("--tokens-per-second", type=float, default=None)
    parser.add_argument(
        "--reply", default=None, help="default reply (otherwise the user's message is quoted)"
    )
    args = parser.parse_args(argv)
    script = FakeAnthropicScript()
    if args.valid_keys:
        script.valid_keys = set(args.valid_keys)
    if args.tokens_per_second is not None:
        script.tokens_per_second = args.tokens_per_second
    script.default_reply = args.reply
    uvicorn.run(create_app(script), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
