"""Reflex configuration, derived from the environment through backend.config.

Loading settings here makes an unusable production configuration stop `reflex run`
before anything starts.
"""

import os

import reflex as rx

from backend.config import SettingsError, load_settings
from backend.crypto.keyring import validate_all
from skopx_ui.integrity import SubresourceIntegrity

try:
    _settings = load_settings()
    validate_all(_settings)
except SettingsError as error:
    raise SystemExit(error.message) from None

_port = int(os.environ.get("PORT", "3000"))

config = rx.Config(
    app_name="skopx_ui",
    frontend_port=_port,
    backend_port=_port,
    backend_host=os.environ.get("SKOPX_HOST", "127.0.0.1" if not _settings.is_production else "0.0.0.0"),  # noqa: S104
    api_url=os.environ.get("SKOPX_API_URL", _settings.public_url),
    deploy_url=_settings.public_url,
    cors_allowed_origins=list(_settings.allowed_origins),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frozen_lockfile=os.environ.get("SKOPX_FROZEN_LOCKFILE", "0") == "1",
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large", appearance="light")
        ),
        SubresourceIntegrity(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
