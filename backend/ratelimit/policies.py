"""Named rate-limit policies and the keys they are counted under."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond

from backend.ratelimit.client import client_bucket


@dataclass(frozen=True)
class Policy:
    name: str
    limit: int
    window_seconds: int

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.limit, self.window_seconds, namespace=self.name)


# Sign-in, sign-up and password attempts: applied per client AND per email.
AUTH = Policy("auth", limit=10, window_seconds=15 * 60)
# Chat and API calls, per client.
API = Policy("api", limit=100, window_seconds=60)
DATA_QUERY = Policy("data_query", limit=50, window_seconds=60)


def client_key(ip: str) -> str:
    """Key for a client address; IPv6 clients are counted per /64 (one subscriber's range)."""
    return f"client:{client_bucket(ip)}"


def email_key(email: str) -> str:
    """Key for an email address. Pass the canonical form accounts are looked up by, so that
    every spelling of one address shares one budget; case and outer spaces are folded here too."""
    return f"email:{email.strip().lower()}"


def storage_identifier(key: str) -> str:
    # Hashed so that stored keys carry no email address and no separator characters.
    # surrogatepass: a key built from raw input may hold a lone surrogate, which is still one key.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
