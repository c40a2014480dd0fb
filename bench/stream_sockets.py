"""Part (c) of bench/stream.py: concurrent conversations over plain websocket clients, no browser.

Each client replays the socket.io CONNECT payload the browser sent (router data pointing at its own
conversation) with the signed-in session cookie, waits for the page's on_load, then sends one message
through the same Reflex event the composer uses. Every streamed update is timestamped on receipt and
matched, token by token, with the time the local Anthropic server emitted that token.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass

import httpx
import websockets

from backend.llm.demo.script import split_tokens


@dataclass
class SocketResult:
    clients: int
    tokens: int
    delays_ms: list[float]
    lost: int
    reordered: int
    failed: int

    def percentile(self, q: float) -> float:
        ordered = sorted(self.delays_ms) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    p50_ms = property(lambda self: self.percentile(0.50))
    p95_ms = property(lambda self: self.percentile(0.95))
    max_ms = property(lambda self: max(self.delays_ms or [float("nan")]))


STREAM_KEY = "state___chat_stream____chat_stream_state"
TURN_KEY = "state___chat_stream____chat_turn_state"
CHAT_KEY = "state___chat____chat_state"


def _deltas(message: str):
    if message.startswith("42/_event,"):
        yield from json.loads(message[len("42/_event,") :])[1].get("delta", {}).items()


async def _socket_client(
    app, handshake: dict, port: int, index: int, conversation_id: str, ready, go, seen
) -> None:
    """One browser-less client: the socket.io handshake the browser sent, then one message; records
    (receive time, streamed text) for every update."""
    auth = json.loads(json.dumps(handshake["auth"]))
    path = f"/chat/{conversation_id}"
    auth["event"]["router_data"] = {
        "pathname": path,
        "asPath": path,
        "query": {"conversation_id": conversation_id},
    }
    url = f"ws://127.0.0.1:{port}/_event/?token={uuid.uuid4()}&EIO=4&transport=websocket"
    headers = {"Cookie": handshake["cookie"], "Origin": app.url, "X-Forwarded-For": f"203.0.113.{index + 1}"}
    updates: list[tuple[float, str]] = seen.setdefault(index, [])
    async with websockets.connect(url, additional_headers=headers, max_size=None) as ws:
        await ws.recv()
        await ws.send("40/_event," + json.dumps(auth))
        loaded = False
        while not loaded:
            message = await ws.recv()
            if message == "2":
                await ws.send("3")
            loaded = any(CHAT_KEY in k and v.get("loading_rx_state_") is False for k, v in _deltas(message))
        ready.release()
        await go.wait()
        event = {
            "name": auth["event"]["name"].split(".")[0] + ".state___base____app_state." + TURN_KEY + ".send",
            "payload": {"form_data": {"message": f"Client {index}: stream please"}},
            "router_data": auth["event"]["router_data"],
        }
        await ws.send("42/_event," + json.dumps(["event", event]))
        while True:
            message = await asyncio.wait_for(ws.recv(), timeout=120)
            now = time.time()
            if message == "2":
                await ws.send("3")
            for key, value in _deltas(message):
                if key.endswith(STREAM_KEY) and value.get("text_rx_state_"):
                    updates.append((now, value["text_rx_state_"]))
                if key.endswith(TURN_KEY) and value.get("generating_rx_state_") is False:
                    final = [m for m in value.get("recent_rx_state_", []) if not m["from_user"]]
                    updates.append((now, final[-1]["content"] if final else ""))
                    return


async def run_socket_clients(
    app, handshake: dict, *, port: int, key: str, reply_tokens: int, clients: int, tokens_per_second: float
) -> SocketResult:
    """(c): `clients` conversations streaming at once; delays from the fake's token times to receipt."""
    httpx.post(f"{app.fake_url}/_fake/reset", timeout=10).raise_for_status()
    script = {"valid_keys": [key], "tokens_per_second": tokens_per_second, "reply_tokens": reply_tokens}
    httpx.post(f"{app.fake_url}/_fake/script", json=script | {"record_token_times": True}, timeout=10)
    conversations = [app.new_conversation() for _ in range(clients)]
    ready, go, seen = asyncio.Semaphore(0), asyncio.Event(), {}
    tasks = [
        asyncio.create_task(_socket_client(app, handshake, port, i, c, ready, go, seen))
        for i, c in enumerate(conversations)
    ]
    for _ in range(clients):
        await asyncio.wait_for(ready.acquire(), timeout=120)
    go.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    requests = httpx.get(f"{app.fake_url}/_fake/requests", timeout=30).json()
    emitted = {}
    for entry in requests:
        text = entry["body"]["messages"][-1]["content"]
        if text.startswith("Client ") and entry.get("token_times"):
            emitted[int(text.split(":")[0].split()[1])] = (split_tokens(entry["reply"]), entry["token_times"])
    delays, lost, reordered, tokens = [], 0, 0, 0
    for index, updates in seen.items():
        if index not in emitted:
            continue
        reply, times = emitted[index]
        tokens += len(reply)
        shown, previous = 0, ""
        for received_at, text in updates:
            if not text.startswith(previous) and text != "".join(reply):
                reordered += 1
            count = len(split_tokens(text))
            delays.extend((received_at - times[k]) * 1000 for k in range(shown, min(count, len(times))))
            shown, previous = max(shown, count), text
        lost += 0 if updates and updates[-1][1] == "".join(reply) else len(reply) - shown
    failed = sum(1 for o in outcomes if isinstance(o, BaseException)) + (clients - len(emitted))
    return SocketResult(clients, tokens, delays, lost, reordered, failed)
