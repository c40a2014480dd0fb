"""Typed settings read from the environment.

`get_settings()` is the only reader. In production every missing required secret is
reported at once and start-up stops (`SettingsError`); in local mode the values come
from `.secrets/local.env`, which `make run` creates once.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from backend.images import parse_image_domains

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Secrets the app cannot run without in production.
REQUIRED_IN_PRODUCTION = (
    "DATABASE_URL",
    "SERVICE_DATABASE_URL",
    "SESSION_SECRET",
    "SKOPX_PUBLIC_URL",
    "SKOPX_KEYRING_OAUTH",
    "SKOPX_KEYRING_DBCONFIG",
    "SKOPX_KEYRING_APIKEYS",
)


class SettingsError(SystemExit):
    """Configuration is unusable; the message names every variable at fault."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _address_entries(name: str, value: str | None) -> tuple[str, ...]:
    """SKOPX_DATA_SOURCE_ALLOW/DENY: CIDRs and host names; a slash means a CIDR, which must be valid."""
    entries = _csv(value)
    for entry in entries:
        if "/" in entry:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise SettingsError(f"{name}: {entry!r} is not a valid CIDR such as 10.0.0.0/8.") from None
    return entries


def _default_origins(public_url: str) -> tuple[str, ...]:
    """The served origin; on localhost also its 127.0.0.1 spelling."""
    if "://localhost" in public_url:
        return (public_url, public_url.replace("://localhost", "://127.0.0.1"))
    return (public_url,)


@dataclass(frozen=True)
class Settings:
    env: str
    public_url: str
    allowed_origins: tuple[str, ...]
    database_url: str | None
    service_database_url: str | None
    database_admin_url: str | None
    data_dir: Path
    session_secret: str
    session_ttl_seconds: int
    keyrings: dict[str, str] = field(default_factory=dict)
    legacy_passphrase: str | None = None
    redis_url: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    image_domains: tuple[str, ...] = ()
    data_source_allow: tuple[str, ...] = ()
    data_source_deny: tuple[str, ...] = ()
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    model: str = "claude-sonnet-4-6"
    fake_llm: bool = False
    context_budget_tokens: int = 60_000
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def billing_enabled(self) -> bool:
        return bool(self.stripe_secret_key)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    mode = env.get("SKOPX_ENV", "local").strip().lower()
    if mode not in {"local", "production"}:
        raise SettingsError(f"SKOPX_ENV must be 'local' or 'production', not {mode!r}.")
    if mode == "production":
        missing = [name for name in REQUIRED_IN_PRODUCTION if not env.get(name, "").strip()]
        if missing:
            raise SettingsError(
                "Skopx cannot start in production: missing required environment variable(s): "
                + ", ".join(missing)
                + ". Set them (see README, Configuration) and start again."
            )
    port = env.get("PORT", "3000")
    public_url = env.get("SKOPX_PUBLIC_URL", f"http://localhost:{port}").rstrip("/")
    try:
        image_domains = parse_image_domains(_csv(env.get("SKOPX_IMAGE_DOMAINS")))
    except ValueError as error:
        raise SettingsError(str(error)) from None
    session_secret = env.get("SESSION_SECRET", "")
    if mode == "production" and len(session_secret) < 32:
        raise SettingsError("SESSION_SECRET must be at least 32 characters in production.")
    return Settings(
        env=mode,
        public_url=public_url,
        allowed_origins=_csv(env.get("SKOPX_ALLOWED_ORIGINS")) or _default_origins(public_url),
        database_url=env.get("DATABASE_URL") or None,
        service_database_url=env.get("SERVICE_DATABASE_URL") or None,
        database_admin_url=env.get("DATABASE_ADMIN_URL") or None,
        data_dir=Path(env.get("SKOPX_DATA_DIR", str(PROJECT_ROOT / ".data"))).resolve(),
        session_secret=session_secret,
        session_ttl_seconds=int(env.get("SESSION_TTL_SECONDS", str(7 * 24 * 3600))),
        keyrings={
            purpose: env.get(f"SKOPX_KEYRING_{purpose.upper()}", "")
            for purpose in ("oauth", "dbconfig", "apikeys")
        },
        legacy_passphrase=env.get("SKOPX_LEGACY_PASSPHRASE") or None,
        redis_url=env.get("REDIS_URL") or None,
        trusted_proxies=_csv(env.get("SKOPX_TRUSTED_PROXIES")),
        image_domains=image_domains,
        data_source_allow=_address_entries("SKOPX_DATA_SOURCE_ALLOW", env.get("SKOPX_DATA_SOURCE_ALLOW")),
        data_source_deny=_address_entries("SKOPX_DATA_SOURCE_DENY", env.get("SKOPX_DATA_SOURCE_DENY")),
        anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
        anthropic_base_url=env.get("ANTHROPIC_BASE_URL") or None,
        model=env.get("SKOPX_MODEL", "claude-sonnet-4-6"),
        fake_llm=_flag(env.get("SKOPX_FAKE_LLM")),
        context_budget_tokens=int(env.get("SKOPX_CONTEXT_BUDGET_TOKENS", "60000")),
        stripe_secret_key=env.get("STRIPE_SECRET_KEY") or None,
        stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        log_level=env.get("SKOPX_LOG_LEVEL", "INFO").upper(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def main() -> None:
    """`python -m backend.config`: validate configuration and exit non-zero if unusable."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error.message, file=sys.stderr)
        raise SystemExit(2) from None
    print(f"configuration ok (SKOPX_ENV={settings.env})")


if __name__ == "__main__":
    main()
