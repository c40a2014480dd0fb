"""The moving-window limiter on real `limits` memory storage, sync and async."""

from __future__ import annotations

import time

import pytest

from backend.config import load_settings
from backend.errors import RateLimited, Unavailable
from backend.ratelimit import (
    API,
    AUTH,
    DATA_QUERY,
    AsyncRateLimiter,
    Policy,
    RateDecision,
    RateLimiter,
    client_key,
    email_key,
    most_restrictive,
    storage_uri_for,
)

CLIENT = client_key("203.0.113.7")
EMAIL = email_key("ada@example.com")


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter("memory://")


def test_named_policies() -> None:
    assert (AUTH.limit, AUTH.window_seconds) == (10, 900)
    assert (API.limit, API.window_seconds) == (100, 60)
    assert (DATA_QUERY.limit, DATA_QUERY.window_seconds) == (50, 60)


def test_eleventh_auth_attempt_is_refused(limiter: RateLimiter) -> None:
    decisions = [limiter.hit(AUTH, CLIENT, EMAIL) for _ in range(11)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False]
    assert [d.remaining for d in decisions] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]
    refused = decisions[-1]
    assert 899 <= refused.retry_after <= 900
    assert refused.reset_epoch >= time.time() + 898
    assert decisions[0].retry_after == 0


def test_refusals_do_not_extend_the_wait(limiter: RateLimiter) -> None:
    for _ in range(10):
        limiter.hit(AUTH, CLIENT)
    first_refusal = limiter.hit(AUTH, CLIENT)
    for _ in range(20):
        later = limiter.hit(AUTH, CLIENT)
    assert not later.allowed
    assert later.reset_epoch == first_refusal.reset_epoch


def test_email_budget_is_shared_across_clients(limiter: RateLimiter) -> None:
    for n in range(10):
        assert limiter.hit(AUTH, client_key(f"198.51.100.{n}"), EMAIL).allowed
    assert not limiter.hit(AUTH, client_key("198.51.100.99"), EMAIL).allowed
    # The fresh client is only blocked for that email, not for another one.
    assert limiter.hit(AUTH, client_key("198.51.100.99"), email_key("bob@example.com")).allowed


def test_client_budget_is_shared_across_emails(limiter: RateLimiter) -> None:
    for n in range(10):
        assert limiter.hit(AUTH, CLIENT, email_key(f"user{n}@example.com")).allowed
    assert not limiter.hit(AUTH, CLIENT, email_key("new@example.com")).allowed
    assert limiter.hit(AUTH, client_key("192.0.2.1"), email_key("new@example.com")).allowed


def test_a_refused_attempt_consumes_no_other_key(limiter: RateLimiter) -> None:
    for n in range(10):
        limiter.hit(AUTH, client_key(f"198.51.100.{n}"), EMAIL)
    for _ in range(5):
        assert not limiter.hit(AUTH, CLIENT, EMAIL).allowed
    assert limiter.peek(AUTH, CLIENT).remaining == 10


def test_most_restrictive_key_wins_when_allowed(limiter: RateLimiter) -> None:
    for _ in range(6):
        limiter.hit(AUTH, EMAIL)
    decision = limiter.hit(AUTH, CLIENT, EMAIL)
    assert decision.allowed and decision.remaining == 3


def test_email_keys_ignore_case_and_spaces(limiter: RateLimiter) -> None:
    for _ in range(10):
        limiter.hit(AUTH, email_key("Ada@Example.com "))
    assert not limiter.hit(AUTH, email_key("ada@example.com")).allowed


def test_peek_counts_nothing(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.peek(AUTH, CLIENT)
    decision = limiter.peek(AUTH, CLIENT)
    assert decision.allowed and decision.remaining == 10
    for _ in range(10):
        limiter.hit(AUTH, CLIENT)
    assert not limiter.peek(AUTH, CLIENT).allowed


def test_reset_clears_only_the_named_keys(limiter: RateLimiter) -> None:
    for _ in range(10):
        limiter.hit(AUTH, CLIENT, EMAIL)
    limiter.reset(AUTH, EMAIL)
    assert limiter.peek(AUTH, EMAIL).remaining == 10
    assert not limiter.hit(AUTH, CLIENT, EMAIL).allowed  # the client is still blocked
    limiter.reset(AUTH, CLIENT)
    assert limiter.hit(AUTH, CLIENT, EMAIL).remaining == 9


def test_policies_count_separately(limiter: RateLimiter) -> None:
    for _ in range(10):
        limiter.hit(AUTH, CLIENT)
    assert limiter.hit(API, CLIENT).allowed
    assert limiter.hit(DATA_QUERY, CLIENT).remaining == 49


def test_reset_all(limiter: RateLimiter) -> None:
    for _ in range(10):
        limiter.hit(AUTH, CLIENT)
    limiter.reset_all()
    assert limiter.peek(AUTH, CLIENT).remaining == 10


def test_window_moves_on(limiter: RateLimiter) -> None:
    tiny = Policy("test-tiny", limit=2, window_seconds=1)
    assert limiter.hit(tiny, CLIENT).allowed
    assert limiter.hit(tiny, CLIENT).allowed
    refused = limiter.hit(tiny, CLIENT)
    assert not refused.allowed and refused.retry_after == 1
    time.sleep(1.05)
    assert limiter.hit(tiny, CLIENT).allowed


def test_cost_larger_than_remaining_is_refused(limiter: RateLimiter) -> None:
    limiter.hit(DATA_QUERY, CLIENT, cost=45)
    assert not limiter.hit(DATA_QUERY, CLIENT, cost=10).allowed
    assert limiter.hit(DATA_QUERY, CLIENT, cost=5).remaining == 0


def test_at_least_one_key_is_required(limiter: RateLimiter) -> None:
    with pytest.raises(ValueError, match="at least one key"):
        limiter.hit(AUTH)


def test_unreachable_redis_fails_closed_with_a_safe_error() -> None:
    unreachable = RateLimiter("redis://127.0.0.1:1/15")
    with pytest.raises(Unavailable) as caught:
        unreachable.hit(AUTH, EMAIL)
    assert "ada@example.com" not in caught.value.detail


def test_storage_follows_settings() -> None:
    assert storage_uri_for(load_settings({})) == "memory://"
    with_redis = load_settings({"REDIS_URL": "redis://cache:6379/0"})
    assert storage_uri_for(with_redis) == "redis://cache:6379/0"


def decision(allowed: bool, remaining: int, retry_after: int = 0, reset: int = 1000) -> RateDecision:
    return RateDecision(allowed, 10, remaining, 900, reset, retry_after)


def test_most_restrictive_prefers_the_longest_refusal() -> None:
    short, long = decision(False, 0, 30), decision(False, 0, 600)
    assert most_restrictive([decision(True, 5), short, long]) is long
    assert most_restrictive([decision(True, 5), decision(True, 2)]).remaining == 2
    with pytest.raises(ValueError):
        most_restrictive([])


def test_raise_if_refused() -> None:
    decision(True, 3).raise_if_refused()
    with pytest.raises(RateLimited) as caught:
        decision(False, 0, retry_after=840).raise_if_refused()
    assert caught.value.retry_after == 840
    assert caught.value.detail == "Too many attempts. Try again in 14 minutes."
    assert caught.value.status_code == 429


async def test_async_limiter_has_the_same_contract() -> None:
    limiter = AsyncRateLimiter("memory://")
    decisions = [await limiter.hit(AUTH, CLIENT, EMAIL) for _ in range(11)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False]
    assert (await limiter.peek(AUTH, EMAIL)).remaining == 0
    await limiter.reset(AUTH, CLIENT, EMAIL)
    assert (await limiter.hit(AUTH, CLIENT, EMAIL)).remaining == 9
    await limiter.reset_all()
    assert (await limiter.peek(AUTH, CLIENT)).remaining == 10


async def test_async_refusal_consumes_no_other_key() -> None:
    limiter = AsyncRateLimiter("memory://")
    for n in range(10):
        await limiter.hit(AUTH, client_key(f"198.51.100.{n}"), EMAIL)
    assert not (await limiter.hit(AUTH, CLIENT, EMAIL)).allowed
    assert (await limiter.peek(AUTH, CLIENT)).remaining == 10
