"""Redis-backed limits: separate processes sharing REDIS_URL enforce one budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.ratelimit import AUTH, AsyncRateLimiter, RateLimiter, client_key, email_key
from backend.ratelimit.limiter import KEY_PREFIX
from backend.ratelimit.policies import storage_identifier
from backend.ratelimit.windows import async_windows_for, windows_for

REDIS_URL = os.environ.get("REDIS_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (CI sets redis://127.0.0.1:6379/15)"),
]

# Each worker waits for a start file so both hammer the same email at the same time, each from
# its own client. With `refund`, every allowed attempt is given straight back.
WORKER = """
import asyncio, json, os, sys, time
from backend.ratelimit import AUTH, AsyncRateLimiter, RateLimiter, email_key
storage, mode, client, key, attempts, refund, start_file = sys.argv[1:8]
keys = (client, email_key(key))
while not os.path.exists(start_file):
    time.sleep(0.005)
if mode == "async":
    async def run():
        limiter, allowed = AsyncRateLimiter(storage), []
        for _ in range(int(attempts)):
            allowed.append((await limiter.hit(AUTH, *keys)).allowed)
            if allowed[-1] and refund == "refund":
                await limiter.refund(AUTH, *keys)
        return allowed
    allowed = asyncio.run(run())
else:
    limiter, allowed = RateLimiter(storage), []
    for _ in range(int(attempts)):
        allowed.append(limiter.hit(AUTH, *keys).allowed)
        if allowed[-1] and refund == "refund":
            limiter.refund(AUTH, *keys)
print(json.dumps(allowed))
"""


def run_two_workers(
    storage: str, tmp_path: Path, attempts: int = 8, *, refund: bool = False
) -> tuple[list[list[bool]], list[int]]:
    """Each worker's allowed attempts, and the budget each worker's client has left."""
    key = f"{uuid.uuid4()}@example.com"
    clients = [client_key(f"2001:db8:{uuid.uuid4().hex[:4]}::{n}") for n in (1, 2)]
    start_file = tmp_path / "start"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                storage,
                mode,
                client,
                key,
                str(attempts),
                "refund" if refund else "keep",
                str(start_file),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode, client in zip(("sync", "async"), clients, strict=True)
    ]
    start_file.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))
    left = []
    if storage != "memory://":
        limiter = RateLimiter(storage)
        left = [limiter.peek(AUTH, client).remaining for client in clients]
        limiter.reset(AUTH, email_key(key), *clients)
    return results, left


def test_memory_storage_does_not_share_between_processes(tmp_path: Path) -> None:
    """Control: without Redis each process has its own budget, so 16 of 16 get through."""
    results, _ = run_two_workers("memory://", tmp_path)
    assert sum(map(sum, results)) == 16


def test_two_processes_share_one_redis_budget_and_charge_both_keys_or_neither(tmp_path: Path) -> None:
    results, left = run_two_workers(REDIS_URL, tmp_path)
    assert sum(map(sum, results)) == AUTH.limit
    assert all(len(result) == 8 for result in results)
    # Each client was charged exactly for its own allowed attempts, never for a refused one.
    assert left == [AUTH.limit - sum(result) for result in results]


def test_attempts_given_back_by_two_processes_never_run_out(tmp_path: Path) -> None:
    results, left = run_two_workers(REDIS_URL, tmp_path, attempts=15, refund=True)
    assert results == [[True] * 15, [True] * 15]
    assert left == [AUTH.limit, AUTH.limit]


def test_redis_refund_leaves_a_window_limits_reads() -> None:
    key = email_key(f"{uuid.uuid4()}@example.com")
    limiter = RateLimiter(REDIS_URL)
    try:
        assert limiter.refund(AUTH, key).remaining == AUTH.limit  # nothing charged, nothing given
        for _ in range(AUTH.limit):
            limiter.hit(AUTH, key)
        assert not limiter.hit(AUTH, key).allowed
        left = limiter.refund(AUTH, key)
        assert left.allowed and left.remaining == 1
        stored = redis.Redis.from_url(REDIS_URL).llen(
            f"{KEY_PREFIX}:{AUTH.item.key_for(storage_identifier(key))}"
        )
        assert stored == AUTH.limit - 1
        assert limiter.hit(AUTH, key).allowed
        assert not limiter.hit(AUTH, key).allowed
    finally:
        limiter.reset(AUTH, key)


async def test_redis_windows_charge_all_keys_or_none() -> None:
    item = RateLimitItemPerSecond(3, 60, namespace="redis-all-or-none")
    free, full = f"free-{uuid.uuid4().hex}", f"full-{uuid.uuid4().hex}"
    sync_storage = storage_from_string(REDIS_URL, key_prefix=KEY_PREFIX)
    async_storage = storage_from_string(f"async+{REDIS_URL}", key_prefix=KEY_PREFIX, implementation="redispy")
    sync_windows, async_windows = windows_for(sync_storage), async_windows_for(async_storage)
    stats = MovingWindowRateLimiter(sync_storage)
    try:
        for _ in range(item.amount):
            assert sync_windows.acquire(item, [full], 1)
        assert not sync_windows.acquire(item, [free, full], 1)
        assert not await async_windows.acquire(item, [free, full], 1)
        assert stats.get_window_stats(item, free).remaining == item.amount
        assert await async_windows.acquire(item, [free], 1)
        await async_windows.refund(item, [free], 1)
        assert stats.get_window_stats(item, free).remaining == item.amount
    finally:
        for key in (free, full):
            sync_storage.clear(item.key_for(key))


async def test_async_limiter_refunds_on_redis() -> None:
    keys = (client_key("2001:db8:ffff::1"), email_key(f"{uuid.uuid4()}@example.com"))
    limiter = AsyncRateLimiter(REDIS_URL)
    try:
        for _ in range(AUTH.limit):
            assert (await limiter.hit(AUTH, *keys)).allowed
        assert (await limiter.refund(AUTH, *keys)).remaining == 1
        assert (await limiter.hit(AUTH, *keys)).allowed
        assert not (await limiter.hit(AUTH, *keys)).allowed
    finally:
        await limiter.reset(AUTH, *keys)


async def test_sync_and_async_limiters_share_counts_and_reset() -> None:
    key = email_key(f"{uuid.uuid4()}@example.com")
    sync_limiter, async_limiter = RateLimiter(REDIS_URL), AsyncRateLimiter(REDIS_URL)
    for _ in range(6):
        assert sync_limiter.hit(AUTH, key).allowed
    for _ in range(4):
        assert (await async_limiter.hit(AUTH, key)).allowed
    refused = sync_limiter.hit(AUTH, key)
    assert not refused.allowed and refused.retry_after > 890
    await async_limiter.reset(AUTH, key)
    assert sync_limiter.hit(AUTH, key).remaining == 9
    sync_limiter.reset(AUTH, key)


def test_stored_keys_carry_no_email_address() -> None:
    address = f"private-{uuid.uuid4().hex[:8]}@example.com"
    limiter = RateLimiter(REDIS_URL)
    limiter.hit(AUTH, email_key(address))
    try:
        keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter(f"{KEY_PREFIX}*")]
        assert keys, "expected the hit to be stored under the skopx prefix"
        assert not any("private-" in k or "example.com" in k for k in keys)
    finally:
        limiter.reset(AUTH, email_key(address))
