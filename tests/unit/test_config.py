"""Settings: production refuses to half-start; local mode has safe defaults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from backend.config import PROJECT_ROOT, REQUIRED_IN_PRODUCTION, SettingsError, load_settings

COMPLETE_PRODUCTION = {
    "SKOPX_ENV": "production",
    "DATABASE_URL": "postgresql://skopx_app@db/skopx",
    "SERVICE_DATABASE_URL": "postgresql://skopx_service@db/skopx",
    "SESSION_SECRET": "x" * 40,
    "SKOPX_PUBLIC_URL": "https://skopx.example",
    "SKOPX_KEYRING_OAUTH": "k1:" + "A" * 43,
    "SKOPX_KEYRING_DBCONFIG": "k1:" + "B" * 43,
    "SKOPX_KEYRING_APIKEYS": "k1:" + "C" * 43,
}


def run_config_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SKOPX_", "DATABASE", "SERVICE_", "SESSION_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.config"],
        env={**clean, **env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secrets_exits_nonzero_naming_every_missing_variable() -> None:
    result = run_config_check({"SKOPX_ENV": "production"})
    assert result.returncode != 0
    for name in REQUIRED_IN_PRODUCTION:
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, "one message, not a stack trace"


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_missing_one_secret_names_exactly_that_one(missing: str) -> None:
    env = {k: v for k, v in COMPLETE_PRODUCTION.items() if k != missing}
    with pytest.raises(SettingsError) as error:
        load_settings(env)
    assert missing in error.value.message
    others = [n for n in REQUIRED_IN_PRODUCTION if n != missing]
    assert not any(n + "," in error.value.message or error.value.message.endswith(n + ".") for n in others)


def test_production_rejects_a_short_session_secret() -> None:
    with pytest.raises(SettingsError, match="SESSION_SECRET"):
        load_settings({**COMPLETE_PRODUCTION, "SESSION_SECRET": "short"})


def test_unknown_environment_name_is_refused() -> None:
    with pytest.raises(SettingsError, match="SKOPX_ENV"):
        load_settings({"SKOPX_ENV": "staging"})


def test_complete_production_configuration_starts() -> None:
    result = run_config_check(COMPLETE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    settings = load_settings(COMPLETE_PRODUCTION)
    assert settings.is_production and settings.is_https
    assert settings.allowed_origins == ("https://skopx.example",)


def test_local_defaults_allow_only_the_served_origin() -> None:
    settings = load_settings({"PORT": "3999"})
    assert settings.env == "local"
    assert settings.allowed_origins == ("http://localhost:3999", "http://127.0.0.1:3999")
    assert not settings.billing_enabled


def test_explicit_origin_allowlist_wins() -> None:
    settings = load_settings({"SKOPX_ALLOWED_ORIGINS": "https://a.example, https://b.example"})
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
