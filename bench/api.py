"""Benchmark: request rate of `GET /api/v1/projects` on one app instance against two.

`python bench/api.py [--rounds 3] [--seconds 8] [--concurrency 16] [--workers N]`

Two production instances from one checkout (the first builds the frontend, the second serves that
build: skopx_ui/serve_built.py) on one database and one Redis, as several instances run behind a
balancer: a database of its own on the machine's PostgreSQL (SKOPX_BENCH_POSTGRES, default
postgresql://postgres@127.0.0.1:5432/postgres, dropped afterwards) and database 14 of REDIS_URL's
server (default redis://127.0.0.1:6379; SKOPX_BENCH_REDIS_DB) for both the rate limits and Reflex's
state; the bench deletes the rate-limit counts it made (it makes no other keys). Ports SKOPX_BENCH_API_PORT (3241) and the next one.

The client is this process, on loopback: `--concurrency` requests in flight, signed in with the member's
session cookie, each request to the next instance in turn (client-side round robin; "one" sends them
all to the first instance while the second idles). Rounds alternate one and two, after a warm-up each.

The request budget is 100 a minute per client, and a session-cookie request is counted against its
client only. The instances trust 127.0.0.1 as a proxy (SKOPX_TRUSTED_PROXIES), so the bench gives every
batch of 90 requests its own `X-Forwarded-For` address and the limit never refuses it; every request
still pays the limiter's Redis round trips, so its cost stays in the figures. Any answer other than
200 makes the run invalid (exit 1).

Figures (medians over the rounds): `api_rps_one`, `api_rps_two` (requests/second), `api_p50_ms_one`,
`api_p99_ms_one`, `api_p50_ms_two`, `api_p99_ms_two` (latency), and last `two_vs_one_ratio`
(api_rps_two / api_rps_one, the baseline measured in the same run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

import httpx
import psycopg

from backend.cli import devsecrets
from backend.db.testing import database_on_server

POSTGRES = os.environ.get("SKOPX_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
REDIS_URL = REDIS._replace(path=f"/{os.environ.get('SKOPX_BENCH_REDIS_DB', '14')}").geturl()
PORT = int(os.environ.get("SKOPX_BENCH_API_PORT", "3241"))
PORTS = (PORT, PORT + 1)
PATH = "/api/v1/projects"
BATCH = 90  # requests per client address, under the budget of 100 a minute
EMAIL, PASSWORD = "member@acme.test", "Skopx-demo-2026!"
SIGN_IN_ADDRESS = "198.51.100.77"

os.environ.update(
    {
        **database_on_server(POSTGRES, f"skopx_bench_api_{uuid.uuid4().hex[:8]}"),
        "REDIS_URL": REDIS_URL,
        "REFLEX_REDIS_URL": REDIS_URL,
        "SKOPX_PUBLIC_URL": f"http://localhost:{PORT}",
        "SKOPX_TRUSTED_PROXIES": "127.0.0.1,::1",
        "STRIPE_SECRET_KEY": "",
    }
)
devsecrets.ensure()
devsecrets.apply_to_environ()


@dataclass
class Round:
    requests: int
    seconds: float
    latencies_ms: list[float]
    failures: int
    client_cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


class Load:
    """Requests in flight against `bases` in turn, each batch of BATCH from a new client address."""

    def __init__(self, cookie: str, concurrency: int) -> None:
        self.cookie = cookie
        self.concurrency = concurrency
        self._sent = itertools.count()
        self._network = random.randint(64, 127)
        self.addresses: set[str] = set()

    def _address(self, n: int) -> str:
        client = n // BATCH
        address = f"100.{self._network}.{client // 250 % 250}.{client % 250 + 1}"
        self.addresses.add(address)
        return address

    def forget_counts(self) -> None:
        """Delete the rate-limit counts this load and its sign-in made."""
        from backend.ratelimit import API, AUTH, client_key, email_key, get_limiter
        from backend.services.accounts import attempt_address

        limiter = get_limiter()
        limiter.reset(API, *(client_key(address) for address in self.addresses))
        limiter.reset(AUTH, client_key(SIGN_IN_ADDRESS), email_key(attempt_address(EMAIL)))

    async def run(self, bases: list[str], seconds: float) -> Round:
        latencies: list[float] = []
        failures = 0
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal failures
                while time.perf_counter() < deadline:
                    n = next(self._sent)
                    headers = {"Cookie": self.cookie, "X-Forwarded-For": self._address(n)}
                    started = time.perf_counter()
                    answer = await client.get(bases[n % len(bases)] + PATH, headers=headers)
                    latencies.append((time.perf_counter() - started) * 1000)
                    failures += answer.status_code != 200

            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        return Round(len(latencies), elapsed, latencies, failures, cpu)


@contextlib.contextmanager
def instances(workers: int | None):
    """Both instances on a fresh, seeded database; the database dropped and Redis flushed afterwards."""
    from backend.cli import seed
    from backend.cli.run import serving
    from backend.db.testing import drop_database, recreate_database

    if workers:
        os.environ["GRANIAN_WORKERS"] = str(workers)
    database = recreate_database()
    logs = Path(__file__).resolve().parent.parent / "artifacts"
    try:
        seed.seed(database.admin)
        with (
            serving(PORTS[0], logs / "bench-api-1.log"),
            serving(PORTS[1], logs / "bench-api-2.log", build=False),
        ):
            yield [f"http://127.0.0.1:{port}" for port in PORTS]
    finally:
        drop_database(database.admin)


def sign_in(base: str) -> str:
    answer = httpx.post(
        f"{base}/api/auth/login",
        data={"email": EMAIL, "password": PASSWORD},
        headers={"X-Forwarded-For": SIGN_IN_ADDRESS},
    )
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code} {answer.text[:200]}")
    (name, value), *_ = answer.cookies.items()
    return f"{name}={value}"


def describe(rounds: list[Round]) -> tuple[float, float, float]:
    return (
        statistics.median(r.rps for r in rounds),
        statistics.median(r.percentile(50) for r in rounds),
        statistics.median(r.percentile(99) for r in rounds),
    )


def measure(load: Load, setups: dict[str, list[str]], args: argparse.Namespace) -> dict[str, list[Round]]:
    """Rounds of every setup, alternating which goes first, each after a warm-up of its own."""
    results: dict[str, list[Round]] = {name: [] for name in setups}
    for number in range(args.rounds):
        for name in setups if number % 2 == 0 else reversed(setups):
            asyncio.run(load.run(setups[name], args.warmup))
            measured = asyncio.run(load.run(setups[name], args.seconds))
            results[name].append(measured)
            print(
                f"  round {number + 1} {name}: {measured.rps:7.1f} req/s  p50 {measured.percentile(50):6.1f} ms"
                f"  p99 {measured.percentile(99):6.1f} ms  ({measured.requests} requests,"
                f" {measured.failures} not 200; the client used {measured.client_cpu_seconds / measured.seconds:.0%}"
                " of a CPU)",
                flush=True,
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="granian workers per instance")
    args = parser.parse_args()
    with instances(args.workers) as (first, second):
        with psycopg.connect(os.environ["DATABASE_ADMIN_URL"]) as conn:
            version = conn.execute("show server_version").fetchone()[0]
        print(
            f"GET {PATH}: {args.concurrency} in flight, {args.rounds} rounds of {args.seconds:g} s per setup; "
            f"{os.cpu_count()} CPU(s), granian workers per instance: {args.workers or 'Reflex default'}; "
            f"PostgreSQL {version}",
            flush=True,
        )
        load = Load(sign_in(first), args.concurrency)
        try:
            results = measure(load, {"one": [first], "two": [first, second]}, args)
        finally:
            load.forget_counts()
    failures = sum(r.failures for rounds in results.values() for r in rounds)
    (rps_one, p50_one, p99_one), (rps_two, p50_two, p99_two) = (
        describe(results["one"]),
        describe(results["two"]),
    )
    print(f"api_rps_one={rps_one:.1f}")
    print(f"api_p50_ms_one={p50_one:.1f}")
    print(f"api_p99_ms_one={p99_one:.1f}")
    print(f"api_rps_two={rps_two:.1f}")
    print(f"api_p50_ms_two={p50_two:.1f}")
    print(f"api_p99_ms_two={p99_two:.1f}")
    print(f"two_vs_one_ratio={rps_two / rps_one:.3f}")
    if failures:
        print(f"not valid: {failures} answers were not 200 (see artifacts/bench-api-*.log)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
