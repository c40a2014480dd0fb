"""Starlette routes mounted in front of Reflex. Imports backend only."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from skopx_ui.api import auth, meta, stripe_webhook


def build_api() -> Starlette:
    routes = [
        Route("/healthz", meta.healthz, methods=["GET"]),
        Route("/.well-known/security.txt", meta.security_txt, methods=["GET"]),
        Route("/api/auth/login", auth.login, methods=["POST"]),
        Route("/api/auth/signup", auth.signup, methods=["POST"]),
        Route("/api/auth/logout", auth.logout, methods=["POST"]),
        Route("/api/stripe/webhook", stripe_webhook.stripe_webhook, methods=["POST"]),
    ]
    return Starlette(routes=routes)
