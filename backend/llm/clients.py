"""SDK clients: building one costs ~25 ms of CPU, so streaming reuses them per key and event loop.

Only a SHA-256 of the key is part of the cache key. Clients are never closed on eviction
(a stream may still be using one); dropped clients are garbage-collected.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections import OrderedDict

import anthropic
import httpx2

DEFAULT_TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 5.0
MAX_CACHED_CLIENTS = 64

_CacheKey = tuple[int, str, str | None, float, int]
_cache: OrderedDict[_CacheKey, tuple[weakref.ref, anthropic.AsyncAnthropic]] = OrderedDict()


def make_client(
    *,
    api_key: str,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_retries: int = 0,
) -> anthropic.AsyncAnthropic:
    """A new SDK client; `timeout` bounds the wait for each chunk (so a stalled stream fails too)."""
    return anthropic.AsyncAnthropic(
        api_key=api_key,
        base_url=base_url or None,
        timeout=httpx2.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
        max_retries=max_retries,
    )


def shared_client(
    *,
    api_key: str,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_retries: int = 0,
) -> anthropic.AsyncAnthropic:
    """A client reused across calls with the same key and settings on the running event loop."""
    loop = asyncio.get_running_loop()
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    key: _CacheKey = (id(loop), digest, base_url or None, float(timeout), max_retries)
    cached = _cache.get(key)
    if cached is not None and cached[0]() is loop:
        _cache.move_to_end(key)
        return cached[1]
    client = make_client(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)
    _cache[key] = (weakref.ref(loop), client)
    while len(_cache) > MAX_CACHED_CLIENTS:
        _cache.popitem(last=False)
    return client


def forget_clients() -> None:
    """Drop every cached client (e.g. after a key is replaced or removed)."""
    _cache.clear()
