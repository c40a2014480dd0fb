"""Rate limits: named policies, a moving-window limiter (memory or Redis), HTTP headers
and client identity. See `limiter` for the strategy and storage choices."""

from backend.ratelimit.client import client_bucket, client_ip, parse_trusted_proxies
from backend.ratelimit.decision import RateDecision, most_restrictive, wait_message, wait_phrase
from backend.ratelimit.headers import rate_limit_headers
from backend.ratelimit.limiter import (
    AsyncRateLimiter,
    RateLimiter,
    get_async_limiter,
    get_limiter,
    storage_uri_for,
)
from backend.ratelimit.policies import API, AUTH, DATA_QUERY, Policy, client_key, email_key

__all__ = [
    "API",
    "AUTH",
    "DATA_QUERY",
    "AsyncRateLimiter",
    "Policy",
    "RateDecision",
    "RateLimiter",
    "client_bucket",
    "client_ip",
    "client_key",
    "email_key",
    "get_async_limiter",
    "get_limiter",
    "most_restrictive",
    "parse_trusted_proxies",
    "rate_limit_headers",
    "storage_uri_for",
    "wait_message",
    "wait_phrase",
]
