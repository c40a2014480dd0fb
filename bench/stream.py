"""Benchmark: streaming chat stays fast at any conversation length.

`python bench/stream.py [--reps N] [--clients 50]`

The production build on its own port (3131) and database (skopx_bench), the local Anthropic server
as Claude, real Chromium. An empty conversation is compared with one holding 50 earlier exchanges
(each answer ~500 tokens), streaming a 500-token answer:
  (a) websocket bytes per streamed token, 50 exchanges / empty       (budget <= 1.2; template 86)
  (b) browser time from Enter to the full answer shown, 50 / empty   (budget <= 1.5; template 18)
  (c) 50 concurrent conversations at 50 tokens/s over plain websocket clients (no browser): p95 delay
      from the model server emitting a token to the client receiving it (< 200 ms), no lost or
      reordered tokens
  (d) first token visible in the DOM, median ms
The last three lines are `bytes_per_token_ratio=`, `render_time_ratio=`, `p95_token_delay_ms=`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SKOPX_DB_NAME", "skopx_bench")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

import contextlib
import json
import uuid
from dataclasses import dataclass

import httpx
import psycopg

from backend.cli import devsecrets, fake_llm
from backend.cli.run import start_app, stop_group, wait_until_serving
from bench.stream_sockets import run_socket_clients

devsecrets.ensure()
devsecrets.apply_to_environ()

HANDSHAKE: dict = {}  # the browser's socket.io CONNECT payload and session cookie, replayed by (c)
PORT = int(os.environ.get("SKOPX_BENCH_PORT", "3131"))
ANSWER_TOKENS = 500
TOKENS_PER_SECOND = 200.0

KEY = "sk-ant-bench-server-key-00000000000000000000"
ANSWER_WORDS = " ".join(["Streaming", "stays", "fast:", "only", "the", "bubble", "re-renders,", "and"] * 62)
EARLIER_ANSWER = (
    "## Notes\n\n" + ANSWER_WORDS[:1400] + "\n\n```python\nprint('earlier')\n```\n\n" + ANSWER_WORDS[1400:]
)


@dataclass
class BenchApp:
    url: str
    fake_url: str
    admin_url: str
    org_id: str
    member_id: str
    project_id: str

    def new_conversation(self, *, earlier_exchanges: int = 0) -> str:
        """A conversation of the member's, with `earlier_exchanges` stored user/answer pairs."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("select set_config('app.user_id', %s, false)", (self.member_id,))
            conversation = conn.execute(
                "insert into conversations (organization_id, project_id, title, created_by)"
                " values (%s, %s, %s, %s) returning id",
                (self.org_id, self.project_id, f"Bench {uuid.uuid4().hex[:6]}", self.member_id),
            ).fetchone()[0]
            conn.execute(
                "insert into messages (organization_id, project_id, conversation_id, role, content, created_by,"
                " created_at) select %(org)s, %(project)s, %(conv)s, r.role, case r.role when 'user' then"
                " 'Question ' || i || ': tell me more.' else %(answer)s end, %(user)s,"
                " now() - make_interval(secs => (%(n)s - i) * 60 - r.k * 30)"
                " from generate_series(0, %(n)s - 1) i, (values ('user', 0), ('assistant', 1)) r(role, k)",
                {
                    "org": self.org_id,
                    "project": self.project_id,
                    "conv": conversation,
                    "answer": EARLIER_ANSWER,
                    "user": self.member_id,
                    "n": earlier_exchanges,
                },
            )
        return str(conversation)


def configure(fake_url: str, settings: dict) -> None:
    httpx.post(f"{fake_url}/_fake/script", json=settings, timeout=10).raise_for_status()


@contextlib.contextmanager
def start_bench_app(port: int):
    from backend.cli import seed
    from backend.db.testing import recreate_database

    database = recreate_database()
    seed.seed(database.admin)
    with psycopg.connect(database.admin, autocommit=True) as conn:
        org_id, member_id = conn.execute(
            "select m.organization_id, u.id from users u join organization_members m on m.user_id = u.id"
            " where u.email = 'member@acme.test'"
        ).fetchone()
        conn.execute("select set_config('app.user_id', %s, false)", (str(member_id),))
        project_id = conn.execute(
            "insert into projects (organization_id, name, created_by) values (%s, 'Bench', %s) returning id",
            (org_id, member_id),
        ).fetchone()[0]
    fake = fake_llm.start()  # the local Anthropic server in its own process, driven over HTTP
    configure(fake.base_url, {"valid_keys": [KEY], "tokens_per_second": TOKENS_PER_SECOND})
    env = {"ANTHROPIC_BASE_URL": fake.base_url, "ANTHROPIC_API_KEY": KEY, "STRIPE_SECRET_KEY": ""}
    os.environ.update(env | {"PORT": str(port), "SKOPX_TRUSTED_PROXIES": "127.0.0.1,::1"})
    log_path = Path(__file__).resolve().parent.parent / "artifacts" / "bench-stream-server.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("wb") as log:
        process = start_app(port, stdout=log)
    try:
        if not wait_until_serving(port, process):
            raise SystemExit(f"the app did not start on port {port}; see {log_path}")
        yield BenchApp(
            f"http://localhost:{port}",
            fake.base_url,
            database.admin,
            str(org_id),
            str(member_id),
            str(project_id),
        )
    finally:
        stop_group(process)
        fake_llm.stop(fake)


OBSERVER = """
() => {
  const b = window.__bench = {start: null, first: null, done: null,
    baseline: document.querySelectorAll('[data-testid=assistant-message]').length};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && b.start === null) b.start = performance.now();
  }, true);
  const tick = () => {
    if (b.start !== null) {
      const s = document.querySelector('[data-testid=streaming-message]');
      if (b.first === null && s && s.innerText.trim()) b.first = performance.now();
      if (document.querySelectorAll('[data-testid=assistant-message]').length > b.baseline) {
        b.done = performance.now();
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def browser_case(page, app: BenchApp, conversation_id: str, received: list[int]) -> dict[str, float]:
    page.goto(f"{app.url}/chat/{conversation_id}")
    box = page.get_by_role("textbox", name="Message")
    box.wait_for(timeout=60_000)
    page.wait_for_timeout(800)  # let the history render and the socket settle
    page.evaluate(OBSERVER)
    box.fill("Tell me a long story.")
    page.wait_for_timeout(300)
    received.clear()
    box.press("Enter")
    page.wait_for_function("() => window.__bench.done !== null", timeout=120_000, polling=50)
    page.wait_for_timeout(300)  # the last frames of the turn
    marks = page.evaluate("() => window.__bench")
    return {
        "bytes": float(sum(received)),
        "render_ms": marks["done"] - marks["start"],
        "first_ms": marks["first"] - marks["start"],
    }


def run_browser(app: BenchApp, reps: int) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    from tests.e2e_support import CHROMIUM_ARGS, chromium_path, sign_in

    results: dict[str, list[dict[str, float]]] = {"empty": [], "long": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, extra_http_headers={"X-Forwarded-For": "198.51.100.250"}
        )
        page = context.new_page()
        received: list[int] = []

        def sent(frame) -> None:
            if isinstance(frame, str) and frame.startswith("40/_event,") and '"/chat/' in frame:
                HANDSHAKE["auth"] = json.loads(frame[len("40/_event,") :])

        def watch(ws) -> None:
            ws.on("framereceived", lambda f: received.append(len(f.encode() if isinstance(f, str) else f)))
            ws.on("framesent", sent)

        page.on("websocket", watch)
        sign_in(page, app.url, "member@acme.test")
        configure(app.fake_url, {"tokens_per_second": TOKENS_PER_SECOND, "reply_tokens": ANSWER_TOKENS})
        browser_case(page, app, app.new_conversation(), received)  # warm-up: SDK client, pools, caches
        for rep in range(reps):
            for case in ("empty", "long") if rep % 2 == 0 else ("long", "empty"):
                conversation = app.new_conversation(earlier_exchanges=50 if case == "long" else 0)
                result = browser_case(page, app, conversation, received)
                results[case].append(result)
                print(
                    f"  {case:5} rep {rep + 1}: {result['bytes'] / ANSWER_TOKENS:8.0f} B/token  "
                    f"{result['render_ms']:7.0f} ms to full answer  first token {result['first_ms']:5.0f} ms",
                    flush=True,
                )
        HANDSHAKE["cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with start_bench_app(PORT) as app:
        print(f"app on {app.url}, fake Anthropic on {app.fake_url}", flush=True)
        browser = run_browser(app, args.reps)
        sockets = asyncio.run(
            run_socket_clients(
                app,
                HANDSHAKE,
                port=PORT,
                key=KEY,
                reply_tokens=ANSWER_TOKENS // 2,
                clients=args.clients,
                tokens_per_second=50.0,
            )
        )

    def median(case: str, key: str) -> float:
        return statistics.median(r[key] for r in browser[case])

    bytes_empty, bytes_long = (
        median("empty", "bytes") / ANSWER_TOKENS,
        median("long", "bytes") / ANSWER_TOKENS,
    )
    render_empty, render_long = median("empty", "render_ms"), median("long", "render_ms")
    first_all = statistics.median(r["first_ms"] for case in browser.values() for r in case)
    print()
    print(f"(a) websocket bytes per token: empty {bytes_empty:.0f} B, 50 exchanges {bytes_long:.0f} B")
    print(f"(b) Enter to full answer shown: empty {render_empty:.0f} ms, 50 exchanges {render_long:.0f} ms")
    print(
        f"(c) {sockets.clients} concurrent conversations at 50 tokens/s: p50 {sockets.p50_ms:.0f} ms, "
        f"p95 {sockets.p95_ms:.0f} ms, max {sockets.max_ms:.0f} ms over {sockets.tokens} tokens; "
        f"lost {sockets.lost}, reordered {sockets.reordered}, failed clients {sockets.failed}"
    )
    print(f"(d) first token visible in the DOM: median {first_all:.0f} ms")
    print(f"bytes_per_token_ratio={bytes_long / bytes_empty:.3f}")
    print(f"render_time_ratio={render_long / render_empty:.3f}")
    print(f"p95_token_delay_ms={sockets.p95_ms:.1f}")
    if sockets.failed or sockets.lost or sockets.reordered:
        print("(c) is not valid: clients failed or tokens were lost or reordered.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
