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

from backend.ratelimit import AUTH, AsyncRateLimiter, RateLimiter, email_key
from backend.ratelimit.limiter import KEY_PREFIX

REDIS_URL = os.environ.get("REDIS_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (CI sets redis://127.0.0.1:6379/15)"),
]

# Each worker waits for a start file so both hammer the same key at the same time.
WORKER = """
import asyncio, json, os, sys, time
from backend.ratelimit import AUTH, AsyncRateLimiter, RateLimiter, email_key
storage, mode, key, attempts, start_file = sys.argv[1:6]
while not os.path.exists(start_file):
    time.sleep(0.005)
if mode == "async":
    async def run():
        limiter = AsyncRateLimiter(storage)
        return [(await limiter.hit(AUTH, email_key(key))).allowed for _ in range(int(attempts))]
    allowed = asyncio.run(run())
else:
    limiter = RateLimiter(storage)
    allowed = [limiter.hit(AUTH, email_key(key)).allowed for _ in range(int(attempts))]
print(json.dumps(allowed))
"""


def run_two_workers(storage: str, tmp_path: Path, attempts: int = 8) -> list[list[bool]]:
    key = f"{uuid.uuid4()}@example.com"
    start_file = tmp_path / "start"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, storage, mode, key, str(attempts), str(start_file)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("sync", "async")
    ]
    start_file.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))
    if storage != "memory://":
        RateLimiter(storage).reset(AUTH, email_key(key))
    return results


def test_memory_storage_does_not_share_between_processes(tmp_path: Path) -> None:
    """Control: without Redis each process has its own budget, so 16 of 16 get through."""
    results = run_two_workers("memory://", tmp_path)
    assert sum(map(sum, results)) == 16


def test_two_processes_share_one_redis_budget(tmp_path: Path) -> None:
    results = run_two_workers(REDIS_URL, tmp_path)
    assert sum(map(sum, results)) == AUTH.limit
    assert all(len(result) == 8 for result in results)


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
