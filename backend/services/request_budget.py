"""The one request budget: 100 requests a minute per client (the API policy), spent by every /api/v1
request and by every Reflex event that calls a service, so a client gets the same 100 whichever way it
comes in. A request made with an API token is also counted against the token, so one token shared by
many clients is limited as well. With REDIS_URL set the counts are shared by every app instance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from backend.config import get_settings
from backend.errors import RateLimited
from backend.ratelimit import API, Policy, RateDecision, client_ip, client_key, get_async_limiter, wait_phrase

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def client_address(peer: str | None, headers: Headers) -> str:
    """The address a request is counted against (X-Forwarded-For only from trusted proxies)."""
    return client_ip(peer, headers, get_settings().trusted_proxies)


def token_key(token_hash: str) -> str:
    return f"token:{token_hash}"


def refusal(decision: RateDecision, policy: Policy = API) -> RateLimited:
    wait = max(1, decision.retry_after)
    return RateLimited(
        f"You've reached the limit of {policy.limit} requests a minute. Try again in {wait_phrase(wait)}.",
        retry_after=wait,
    )


async def charge(
    *, peer: str | None, headers: Headers, token_hash: str | None = None, policy: Policy = API
) -> RateDecision:
    """Count one request against the client (and the token, if any); refused requests are not counted.

    Returns the decision either way, for the X-RateLimit headers; raises Unavailable when the shared
    counter can't be reached (the request is refused rather than let through uncounted)."""
    keys = [client_key(client_address(peer, headers))]
    if token_hash:
        keys.append(token_key(token_hash))
    return await get_async_limiter().hit(policy, *keys)


async def spend(*, peer: str | None, headers: Headers, policy: Policy = API) -> int:
    """`charge`, raising RateLimited (with the wait in words) when refused; returns what remains."""
    decision = await charge(peer=peer, headers=headers, policy=policy)
    if not decision.allowed:
        raise refusal(decision, policy)
    return decision.remaining
