"""Rate-limit response headers and the wait message."""

from __future__ import annotations

import pytest

from backend.ratelimit import RateDecision, rate_limit_headers, wait_message

NOW = 1_700_000_000.0


def test_allowed_headers() -> None:
    allowed = RateDecision(True, 10, 3, 900, reset_epoch=int(NOW) + 420, retry_after=0)
    assert rate_limit_headers(allowed, now=NOW) == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "3",
        "X-RateLimit-Reset": str(int(NOW) + 420),
        "RateLimit-Policy": "10;w=900",
        "RateLimit": "limit=10, remaining=3, reset=420",
    }


def test_refusal_adds_retry_after_consistent_with_reset() -> None:
    refused = RateDecision(False, 10, 0, 900, reset_epoch=int(NOW) + 841, retry_after=840)
    headers = rate_limit_headers(refused, now=NOW + 0.5)
    assert headers["Retry-After"] == "840"
    assert headers["RateLimit"] == "limit=10, remaining=0, reset=840"
    assert headers["X-RateLimit-Remaining"] == "0"


def test_api_policy_header() -> None:
    allowed = RateDecision(True, 100, 99, 60, reset_epoch=int(NOW) + 60, retry_after=0)
    assert rate_limit_headers(allowed, now=NOW)["RateLimit-Policy"] == "100;w=60"


def test_reset_in_the_past_reads_zero() -> None:
    allowed = RateDecision(True, 10, 10, 900, reset_epoch=int(NOW) - 5, retry_after=0)
    assert rate_limit_headers(allowed, now=NOW)["RateLimit"].endswith("reset=0")


@pytest.mark.parametrize(
    ("retry_after", "message"),
    [
        (0, "Too many attempts. Try again in 1 second."),
        (1, "Too many attempts. Try again in 1 second."),
        (45, "Too many attempts. Try again in 45 seconds."),
        (60, "Too many attempts. Try again in 1 minute."),
        (61, "Too many attempts. Try again in 2 minutes."),
        (840, "Too many attempts. Try again in 14 minutes."),
        (900, "Too many attempts. Try again in 15 minutes."),
        (3600, "Too many attempts. Try again in 1 hour."),
        (5400, "Too many attempts. Try again in 2 hours."),
    ],
)
def test_wait_message_rounds_up(retry_after: int, message: str) -> None:
    assert wait_message(retry_after) == message
