"""Starlette routes mounted in front of Reflex. Imports backend only."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from backend import routes
from skopx_ui.api import auth, meta, stripe_webhook
from skopx_ui.api.v1 import api_routes


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route(routes.HEALTHZ, meta.healthz, methods=["GET"]),
            Route(routes.SECURITY_TXT, meta.security_txt, methods=["GET"]),
            Route(routes.API_LOGIN, auth.login, methods=["POST"]),
            Route(routes.API_SIGNUP, auth.signup, methods=["POST"]),
            Route(routes.API_LOGOUT, auth.logout, methods=["POST"]),
            Route(routes.STRIPE_WEBHOOK, stripe_webhook.stripe_webhook, methods=["POST"]),
            api_routes(),
        ]
    )
