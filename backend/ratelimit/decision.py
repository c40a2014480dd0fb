"""The outcome of a rate-limit check and how it reads to a person."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from backend.errors import RateLimited


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    window_seconds: int
    reset_epoch: int  # when the next attempt frees up (moving window: the oldest one expires)
    retry_after: int  # seconds to wait; 0 when allowed

    def as_error(self) -> RateLimited:
        """The refusal a person sees: how long to wait, in words."""
        return RateLimited(wait_message(self.retry_after), retry_after=self.retry_after)

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise self.as_error()


def most_restrictive(decisions: Sequence[RateDecision]) -> RateDecision:
    """A refusal beats any allowance (longest wait first); otherwise the fewest remaining."""
    if not decisions:
        raise ValueError("at least one decision is needed")
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: (d.retry_after, d.reset_epoch))
    return min(decisions, key=lambda d: (d.remaining, -d.reset_epoch))


def seconds_until(epoch: float, now: float) -> int:
    return max(0, math.ceil(epoch - now))


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def wait_phrase(retry_after: int) -> str:
    """'14 minutes', '1 second': the wait in words, rounded up, so trying then works."""
    seconds = max(1, math.ceil(retry_after))
    if seconds < 60:
        return _plural(seconds, "second")
    if seconds < 3600:
        return _plural(math.ceil(seconds / 60), "minute")
    return _plural(math.ceil(seconds / 3600), "hour")


def wait_message(retry_after: int) -> str:
    """'Too many attempts. Try again in 14 minutes.'"""
    return f"Too many attempts. Try again in {wait_phrase(retry_after)}."
