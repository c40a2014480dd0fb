"""Rate limiting on the `limits` library, shared across workers through Redis.

Strategy: moving window. A fixed window lets a client spend its budget at the end of
one window and again at the start of the next (20 password guesses in a few seconds
for a 10-per-15-minutes policy); a moving window guarantees at most `limit` attempts in
any `window_seconds` span, and its Retry-After is exact (when the oldest counted
attempt leaves the window). Its cost, one list of at most `limit` timestamps per key,
is small for limits of 10 to 100. Refused attempts are not recorded, so hammering a
closed door does not extend the wait.

Count first: `hit` charges an attempt before the work it guards (a password check), and
`refund` gives it back once that work succeeded. Any number of concurrent attempts then
runs the work at most `limit` times per window, yet people who succeed never use up their
budget. A hit on several keys (client and email) charges all of them or none (see `windows`).

Storage: `memory://` by default (per process); Redis when REDIS_URL is set, so all
workers and processes share one budget. Keys are hashed before storage. If Redis is
unreachable the check fails closed with `Unavailable` rather than letting unlimited
sign-in attempts through.

`RateLimiter` is synchronous (CLI, tests); `AsyncRateLimiter` is for Reflex handlers
and Starlette routes. Each owns its storage: in memory mode they do not share counts.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

from limits import WindowStats
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.config import Settings, get_settings
from backend.errors import Unavailable
from backend.ratelimit.decision import RateDecision, most_restrictive, seconds_until
from backend.ratelimit.policies import Policy, storage_identifier
from backend.ratelimit.windows import async_windows_for, windows_for

logger = logging.getLogger(__name__)

KEY_PREFIX = "skopx-ratelimit"
REDIS_TIMEOUT_SECONDS = 2.0


def storage_uri_for(settings: Settings) -> str:
    return settings.redis_url or "memory://"


def _storage_options(uri: str) -> dict[str, float | str | bool]:
    options: dict[str, float | str | bool] = {"wrap_exceptions": True}
    if "redis" in uri.split("://", 1)[0]:
        options |= {
            "key_prefix": KEY_PREFIX,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        }
        if uri.startswith("async+"):
            options["implementation"] = "redispy"
    return options


@contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except StorageError as error:
        logger.warning("rate-limit storage unavailable: %s", type(error.storage_error).__name__)
        raise Unavailable() from None


def _identifiers(keys: Sequence[str]) -> list[str]:
    if not keys:
        raise ValueError("rate limiting needs at least one key")
    return list(dict.fromkeys(storage_identifier(key) for key in keys))


def _decision(policy: Policy, stats: WindowStats, *, allowed: bool, consumed: int = 0) -> RateDecision:
    return RateDecision(
        allowed=allowed,
        limit=policy.limit,
        remaining=max(0, stats.remaining - consumed),
        window_seconds=policy.window_seconds,
        reset_epoch=math.ceil(stats.reset_time),
        retry_after=0 if allowed else max(1, seconds_until(stats.reset_time, time.time())),
    )


def _refusal(policy: Policy, stats: Sequence[WindowStats], cost: int) -> RateDecision | None:
    refused = [_decision(policy, s, allowed=False) for s in stats if s.remaining < cost]
    return most_restrictive(refused) if refused else None


def _lost_race(policy: Policy, latest: Sequence[WindowStats], cost: int) -> RateDecision:
    # A concurrent attempt took the last place between our check and our charge.
    return _refusal(policy, latest, cost) or most_restrictive(
        [_decision(policy, s, allowed=False) for s in latest]
    )


def _charged(policy: Policy, before: Sequence[WindowStats], cost: int) -> RateDecision:
    return most_restrictive([_decision(policy, s, allowed=True, consumed=cost) for s in before])


def _peek(policy: Policy, stats: Sequence[WindowStats]) -> RateDecision:
    return most_restrictive([_decision(policy, s, allowed=s.remaining >= 1) for s in stats])


class RateLimiter:
    def __init__(self, storage_uri: str = "memory://") -> None:
        self._storage = storage_from_string(storage_uri, **_storage_options(storage_uri))
        self._strategy = MovingWindowRateLimiter(self._storage)
        self._windows = windows_for(self._storage)

    def _stats(self, policy: Policy, identifiers: Sequence[str]) -> list[WindowStats]:
        return [self._strategy.get_window_stats(policy.item, i) for i in identifiers]

    def hit(self, policy: Policy, *keys: str, cost: int = 1) -> RateDecision:
        """Count one attempt against every key, or against none when any key is refused;
        the most restrictive outcome is returned. Refused attempts are not recorded."""
        identifiers = _identifiers(keys)
        with _storage_errors():
            before = self._stats(policy, identifiers)
            if refusal := _refusal(policy, before, cost):
                return refusal
            if not self._windows.acquire(policy.item, identifiers, cost):
                return _lost_race(policy, self._stats(policy, identifiers), cost)
        return _charged(policy, before, cost)

    def refund(self, policy: Policy, *keys: str, cost: int = 1) -> RateDecision:
        """Give back an allowed `hit` on the same keys (the guarded work succeeded); returns
        the budget left afterwards. Only call it after a hit that was allowed."""
        identifiers = _identifiers(keys)
        with _storage_errors():
            self._windows.refund(policy.item, identifiers, cost)
            return _peek(policy, self._stats(policy, identifiers))

    def peek(self, policy: Policy, *keys: str) -> RateDecision:
        """The decision a hit would see, without counting anything."""
        identifiers = _identifiers(keys)
        with _storage_errors():
            return _peek(policy, [self._strategy.get_window_stats(policy.item, i) for i in identifiers])

    def reset(self, policy: Policy, *keys: str) -> None:
        identifiers = _identifiers(keys)
        with _storage_errors():
            for identifier in identifiers:
                self._strategy.clear(policy.item, identifier)

    def reset_all(self) -> None:
        """Forget every count in this storage (tests only: on Redis, all skopx keys)."""
        with _storage_errors():
            self._storage.reset()


class AsyncRateLimiter:
    """Same contract as `RateLimiter`, on the `limits.aio` API."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self._storage = storage_from_string(uri, **_storage_options(uri))
        self._strategy = AsyncMovingWindow(self._storage)
        self._windows = async_windows_for(self._storage)

    async def _stats(self, policy: Policy, identifiers: Sequence[str]) -> list[WindowStats]:
        return [await self._strategy.get_window_stats(policy.item, i) for i in identifiers]

    async def hit(self, policy: Policy, *keys: str, cost: int = 1) -> RateDecision:
        identifiers = _identifiers(keys)
        with _storage_errors():
            before = await self._stats(policy, identifiers)
            if refusal := _refusal(policy, before, cost):
                return refusal
            if not await self._windows.acquire(policy.item, identifiers, cost):
                return _lost_race(policy, await self._stats(policy, identifiers), cost)
        return _charged(policy, before, cost)

    async def refund(self, policy: Policy, *keys: str, cost: int = 1) -> RateDecision:
        identifiers = _identifiers(keys)
        with _storage_errors():
            await self._windows.refund(policy.item, identifiers, cost)
            return _peek(policy, await self._stats(policy, identifiers))

    async def peek(self, policy: Policy, *keys: str) -> RateDecision:
        identifiers = _identifiers(keys)
        with _storage_errors():
            stats = [await self._strategy.get_window_stats(policy.item, i) for i in identifiers]
        return _peek(policy, stats)

    async def reset(self, policy: Policy, *keys: str) -> None:
        identifiers = _identifiers(keys)
        with _storage_errors():
            for identifier in identifiers:
                await self._strategy.clear(policy.item, identifier)

    async def reset_all(self) -> None:
        with _storage_errors():
            await self._storage.reset()


@lru_cache(maxsize=1)
def get_limiter() -> RateLimiter:
    return RateLimiter(storage_uri_for(get_settings()))


@lru_cache(maxsize=1)
def get_async_limiter() -> AsyncRateLimiter:
    return AsyncRateLimiter(storage_uri_for(get_settings()))
