"""HTTP headers describing a rate-limit decision.

Two families are sent:
- the de-facto `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`
  (reset as Unix epoch seconds, as GitHub and most clients expect);
- the IETF pair from draft-ietf-httpapi-ratelimit-headers-07 (June 2023):
  `RateLimit-Policy: 10;w=900` and `RateLimit: limit=10, remaining=3, reset=42`,
  where reset is delta seconds. Later drafts (08+) switched to named policies
  (`"auth";q=10;w=900`); clients in the wild mostly parse the -07 form.
A refusal also carries `Retry-After` (delta seconds, RFC 9110 §10.2.3).
"""

from __future__ import annotations

import time

from backend.ratelimit.decision import RateDecision, seconds_until


def rate_limit_headers(decision: RateDecision, *, now: float | None = None) -> dict[str, str]:
    if decision.allowed:
        reset_in = seconds_until(decision.reset_epoch, time.time() if now is None else now)
    else:
        reset_in = decision.retry_after
    headers = {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_epoch),
        "RateLimit-Policy": f"{decision.limit};w={decision.window_seconds}",
        "RateLimit": f"limit={decision.limit}, remaining={decision.remaining}, reset={reset_in}",
    }
    if not decision.allowed:
        headers["Retry-After"] = str(max(1, decision.retry_after))
    return headers
