"""Count first, give back on success: `refund` and all-or-nothing hits on memory storage."""

from __future__ import annotations

import asyncio
import threading

import pytest
from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage as AsyncMemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.ratelimit import AUTH, AsyncRateLimiter, RateLimiter, client_key, email_key
from backend.ratelimit.windows import async_windows_for, windows_for

CLIENT = client_key("203.0.113.7")
EMAIL = email_key("ada@example.com")
ITEM = RateLimitItemPerSecond(3, 60, namespace="refund-test")


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter("memory://")


# ------------------------------------------------------------------ refusals and limits of a refund
def test_a_refund_never_gives_more_than_was_charged(limiter: RateLimiter) -> None:
    assert limiter.refund(AUTH, CLIENT).remaining == AUTH.limit
    decisions = [limiter.hit(AUTH, CLIENT) for _ in range(AUTH.limit + 1)]
    assert [d.allowed for d in decisions] == [True] * AUTH.limit + [False]


def test_a_refund_gives_back_only_the_named_keys(limiter: RateLimiter) -> None:
    limiter.hit(AUTH, CLIENT, EMAIL)
    limiter.refund(AUTH, EMAIL)
    assert limiter.peek(AUTH, CLIENT).remaining == AUTH.limit - 1
    assert limiter.peek(AUTH, EMAIL).remaining == AUTH.limit


def test_a_hit_refused_on_one_key_charges_no_other(limiter: RateLimiter) -> None:
    for n in range(AUTH.limit):
        limiter.hit(AUTH, client_key(f"198.51.100.{n}"), EMAIL)
    for _ in range(5):
        assert not limiter.hit(AUTH, CLIENT, EMAIL).allowed
    assert limiter.peek(AUTH, CLIENT).remaining == AUTH.limit


@pytest.mark.parametrize("make", [MemoryStorage, lambda: storage_from_string("memory://")])
def test_memory_windows_charge_all_keys_or_none(make) -> None:
    storage = make()
    windows, stats = windows_for(storage), MovingWindowRateLimiter(storage)
    for _ in range(ITEM.amount):
        assert windows.acquire(ITEM, ["full"], 1)
    assert not windows.acquire(ITEM, ["free", "full"], 1)
    assert stats.get_window_stats(ITEM, "free").remaining == ITEM.amount
    assert stats.get_window_stats(ITEM, "full").remaining == 0


async def test_async_memory_windows_charge_all_keys_or_none() -> None:
    storage = AsyncMemoryStorage()
    windows, stats = async_windows_for(storage), AsyncMovingWindow(storage)
    for _ in range(ITEM.amount):
        assert await windows.acquire(ITEM, ["full"], 1)
    assert not await windows.acquire(ITEM, ["free", "full"], 1)
    assert (await stats.get_window_stats(ITEM, "free")).remaining == ITEM.amount


def test_storages_without_a_refund_are_refused() -> None:
    with pytest.raises(ValueError, match="memory:// or a single Redis server"):
        windows_for(object())


# ------------------------------------------------------------------ giving back
def test_a_refund_gives_the_attempt_back(limiter: RateLimiter) -> None:
    for _ in range(AUTH.limit):
        assert limiter.hit(AUTH, CLIENT, EMAIL).allowed
    assert not limiter.hit(AUTH, CLIENT, EMAIL).allowed
    left = limiter.refund(AUTH, CLIENT, EMAIL)
    assert left.allowed and left.remaining == 1
    assert limiter.hit(AUTH, CLIENT, EMAIL).allowed
    assert not limiter.hit(AUTH, CLIENT, EMAIL).allowed


def test_hit_then_refund_forever_never_runs_out(limiter: RateLimiter) -> None:
    for _ in range(5 * AUTH.limit):
        assert limiter.hit(AUTH, CLIENT, EMAIL).allowed
        assert limiter.refund(AUTH, CLIENT, EMAIL).remaining == AUTH.limit


def test_the_decision_after_a_refund_reports_the_budget_left(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit(AUTH, CLIENT)
    left = limiter.refund(AUTH, CLIENT)
    assert (left.allowed, left.remaining, left.limit, left.retry_after) == (
        True,
        AUTH.limit - 2,
        AUTH.limit,
        0,
    )


async def test_async_refund_has_the_same_contract() -> None:
    limiter = AsyncRateLimiter("memory://")
    assert (await limiter.refund(AUTH, CLIENT)).remaining == AUTH.limit
    for _ in range(AUTH.limit):
        await limiter.hit(AUTH, CLIENT, EMAIL)
    assert not (await limiter.hit(AUTH, CLIENT, EMAIL)).allowed
    assert (await limiter.refund(AUTH, CLIENT, EMAIL)).remaining == 1
    assert (await limiter.hit(AUTH, CLIENT, EMAIL)).allowed
    assert not (await limiter.hit(AUTH, CLIENT, EMAIL)).allowed


# ------------------------------------------------------------------ concurrency
async def test_concurrent_async_hits_are_allowed_exactly_the_limit() -> None:
    limiter = AsyncRateLimiter("memory://")
    decisions = await asyncio.gather(*[limiter.hit(AUTH, CLIENT, EMAIL) for _ in range(60)])
    assert sum(d.allowed for d in decisions) == AUTH.limit


def test_concurrent_threads_are_allowed_exactly_the_limit(limiter: RateLimiter) -> None:
    start = threading.Barrier(8)
    allowed: list[bool] = []

    def worker() -> None:
        start.wait()
        allowed.extend(limiter.hit(AUTH, CLIENT, EMAIL).allowed for _ in range(10))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == AUTH.limit
    assert limiter.peek(AUTH, CLIENT).remaining == limiter.peek(AUTH, EMAIL).remaining == 0
