"""Moving-window operations `limits` has no API for: charging several keys at once, and
giving back an attempt that was counted before the work it guarded succeeded.

They work on the storage `limits` itself reads, so its window queries see their effect.
Both storages keep a key's counted attempts newest first:
- memory: `MemoryStorage.events[key]`, a list of `Entry` objects (insertion at the head,
  trimmed by a background timer), guarded by `MemoryStorage.locks[key]`;
- Redis: a list of timestamps (LPUSH, LTRIM to the limit, EXPIRE after the window).
A refund removes the newest entry of each key, if it is still inside the window.

Redis charges every key in one Lua script, which Redis runs without interleaving any other
command: the check and the charge are atomic across keys and across workers. In memory,
keys are charged one after another under their per-key locks (atomic per key); if a later
key turns out to be full, the keys already charged are refunded.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

from limits import RateLimitItem
from limits import storage as sync_storage
from limits.aio import storage as async_storage
from limits.errors import StorageError

# KEYS: the windows to charge. ARGV: now, limit, window seconds, cost. Same list layout and
# admission rule as limits' acquire_moving_window.lua, applied to all keys before any is charged.
ACQUIRE_ALL = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local expiry = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
if cost > limit then
    return 0
end
for _, key in ipairs(KEYS) do
    local entry = redis.call('lindex', key, limit - cost)
    if entry and tonumber(entry) >= now - expiry then
        return 0
    end
end
for _, key in ipairs(KEYS) do
    for _ = 1, cost do
        redis.call('lpush', key, ARGV[1])
    end
    redis.call('ltrim', key, 0, limit - 1)
    redis.call('expire', key, expiry)
end
return 1
"""

# KEYS: the windows charged. ARGV: now, window seconds, cost.
REFUND = """
local oldest_counted = tonumber(ARGV[1]) - tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
    for _ = 1, tonumber(ARGV[3]) do
        local newest = redis.call('lindex', key, 0)
        if not newest or tonumber(newest) < oldest_counted then
            break
        end
        redis.call('lpop', key)
    end
end
return 1
"""


class Windows(Protocol):
    def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool: ...

    def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None: ...


class AsyncWindows(Protocol):
    async def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool: ...

    async def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None: ...


def _now() -> str:
    return f"{time.time():.6f}"


def _unsupported(storage: object) -> ValueError:
    return ValueError(
        f"Rate limits need memory:// or a single Redis server (redis://, rediss://, redis+sentinel://), "
        f"not {type(storage).__name__}."
    )


def _newest_counted(events: list, expiry: int, cost: int) -> int:
    oldest_counted = time.time() - expiry
    newest = events[:cost]
    return next((n for n, entry in enumerate(newest) if entry.atime < oldest_counted), len(newest))


class _MemoryWindows:
    def __init__(self, storage: sync_storage.MemoryStorage) -> None:
        self._storage = storage

    def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool:
        charged: list[str] = []
        for identifier in identifiers:
            key = item.key_for(identifier)
            if not self._storage.acquire_entry(key, item.amount, item.get_expiry(), cost):
                self.refund(item, charged, cost)
                return False
            charged.append(identifier)
        return True

    def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None:
        for identifier in identifiers:
            key = item.key_for(identifier)
            with self._storage.locks[key]:
                if events := self._storage.events.get(key):
                    del events[: _newest_counted(events, item.get_expiry(), cost)]


class _AsyncMemoryWindows:
    def __init__(self, storage: async_storage.MemoryStorage) -> None:
        self._storage = storage

    async def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool:
        charged: list[str] = []
        for identifier in identifiers:
            key = item.key_for(identifier)
            if not await self._storage.acquire_entry(key, item.amount, item.get_expiry(), cost):
                await self.refund(item, charged, cost)
                return False
            charged.append(identifier)
        return True

    async def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None:
        for identifier in identifiers:
            key = item.key_for(identifier)
            async with self._storage.locks[key]:
                if events := self._storage.events.get(key):
                    del events[: _newest_counted(events, item.get_expiry(), cost)]


class _RedisWindows:
    def __init__(self, storage: sync_storage.RedisStorage) -> None:
        self._storage = storage
        connection = storage.get_connection()
        self._acquire_all = connection.register_script(ACQUIRE_ALL)
        self._refund = connection.register_script(REFUND)

    def _keys(self, item: RateLimitItem, identifiers: Sequence[str]) -> list[str]:
        return [self._storage.prefixed_key(item.key_for(identifier)) for identifier in identifiers]

    def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool:
        args = [_now(), item.amount, item.get_expiry(), cost]
        try:
            return bool(self._acquire_all(keys=self._keys(item, identifiers), args=args))
        except self._storage.base_exceptions as error:
            raise StorageError(error) from error

    def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None:
        try:
            self._refund(keys=self._keys(item, identifiers), args=[_now(), item.get_expiry(), cost])
        except self._storage.base_exceptions as error:
            raise StorageError(error) from error


class _AsyncRedisWindows:
    def __init__(self, storage: async_storage.RedisStorage) -> None:
        self._bridge = storage.bridge
        connection = self._bridge.get_connection()
        self._acquire_all = connection.register_script(ACQUIRE_ALL)
        self._refund = connection.register_script(REFUND)

    def _keys(self, item: RateLimitItem, identifiers: Sequence[str]) -> list[str]:
        return [self._bridge.prefixed_key(item.key_for(identifier)) for identifier in identifiers]

    async def acquire(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> bool:
        args = [_now(), item.amount, item.get_expiry(), cost]
        try:
            return bool(await self._acquire_all(keys=self._keys(item, identifiers), args=args))
        except self._bridge.base_exceptions as error:
            raise StorageError(error) from error

    async def refund(self, item: RateLimitItem, identifiers: Sequence[str], cost: int) -> None:
        try:
            await self._refund(keys=self._keys(item, identifiers), args=[_now(), item.get_expiry(), cost])
        except self._bridge.base_exceptions as error:
            raise StorageError(error) from error


def windows_for(storage: sync_storage.Storage) -> Windows:
    if isinstance(storage, sync_storage.MemoryStorage):
        return _MemoryWindows(storage)
    # A cluster would refuse a script touching keys in different hash slots.
    if isinstance(storage, sync_storage.RedisStorage) and not isinstance(
        storage, sync_storage.RedisClusterStorage
    ):
        return _RedisWindows(storage)
    raise _unsupported(storage)


def async_windows_for(storage: async_storage.Storage) -> AsyncWindows:
    if isinstance(storage, async_storage.MemoryStorage):
        return _AsyncMemoryWindows(storage)
    if isinstance(storage, async_storage.RedisStorage) and not isinstance(
        storage, async_storage.RedisClusterStorage
    ):
        return _AsyncRedisWindows(storage)
    raise _unsupported(storage)
