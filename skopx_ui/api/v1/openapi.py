"""The OpenAPI 3.1 document of /api/v1, built from the endpoint table and the pydantic models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from backend import routes
from backend.auth.tokens import session_cookie_name
from backend.config import get_settings
from backend.ratelimit import API
from skopx_ui.api.v1 import schemas
from skopx_ui.api.v1.dispatch import COMMON_ERRORS, ORGANIZATION_HEADER, Endpoint
from skopx_ui.api.v1.resources import ENDPOINTS

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
ERROR_MEANINGS = {
    400: "The request can't be served as sent.",
    401: "No valid API token or session.",
    402: "The organization's subscription doesn't allow work right now.",
    403: "Your role doesn't allow this.",
    404: "Not found, or not yours to see.",
    405: "Another method is expected.",
    409: "It conflicts with something that exists.",
    415: "The body must be JSON.",
    422: "A value was refused; `detail` says which and why.",
    429: f"Over the budget of {API.limit} requests a minute; wait `Retry-After` seconds.",
    502: "Claude could not answer.",
    503: "A service Skopx depends on is unavailable; try again shortly.",
    504: "Claude took too long to answer.",
}
RATE_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the window.",
    "X-RateLimit-Remaining": "Requests left in the window.",
    "X-RateLimit-Reset": "When a request frees up, in Unix seconds.",
    "RateLimit": "The IETF form: limit, remaining and reset (seconds).",
    "RateLimit-Policy": "The IETF form of the policy: limit;w=window seconds.",
}


def _models() -> list[type]:
    found = {schemas.Error}
    for endpoint in ENDPOINTS:
        found.update(m for m in (endpoint.body, endpoint.returns) if m is not None)
    return sorted(found, key=lambda m: m.__name__)


HEADER_DEFINITIONS = {
    **{name: {"description": text, "schema": {"type": "string"}} for name, text in RATE_HEADERS.items()},
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}},
}


def _headers(refused: bool = False) -> dict[str, Any]:
    names = [*RATE_HEADERS, *(["Retry-After"] if refused else [])]
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _ref(model: type) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _responses(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.returns is None:
        success: dict[str, Any] = {"description": "Done.", "headers": _headers()}
        status = 204
    else:
        content: dict[str, Any] = {"application/json": {"schema": _ref(endpoint.returns)}}
        if endpoint.streams:
            content["text/event-stream"] = {
                "schema": {"type": "string"},
                "description": "Events `message`, `delta` ({text}), then `reply` or `error`.",
            }
        success = {"description": endpoint.summary, "headers": _headers(), "content": content}
        status = endpoint.status
    answers = {str(status): success}
    for code in sorted({*COMMON_ERRORS, *endpoint.errors}):
        answers[str(code)] = {"$ref": f"#/components/responses/{code}"}
    return answers


def _error_responses() -> dict[str, Any]:
    return {
        str(code): {
            "description": meaning,
            "headers": _headers(refused=code == 429),
            "content": {"application/json": {"schema": _ref(schemas.Error)}},
        }
        for code, meaning in ERROR_MEANINGS.items()
    }


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
        for name in PATH_PARAMETER.findall(endpoint.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
        for name, text in endpoint.query.items()
    ]
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "responses": _responses(endpoint),
    }
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.body)}},
        }
    return operation


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    _, definitions = models_json_schema([(m, "serialization") for m in _models()], ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Skopx API",
            "version": "1",
            "description": (
                "Your organization's projects, tasks and conversations with Claude. Authenticate with a "
                "personal access token (Settings → API tokens) as `Authorization: Bearer skopx_pat_…`; a "
                f"token acts in its own organization with the lower of its ceiling and your role. Each "
                f"client (and each token) may make {API.limit} requests a minute; every answer carries "
                'the X-RateLimit headers. Errors are JSON `{"code", "detail"}`. A signed-in browser '
                f"may use its session instead, choosing the organization with the `{ORGANIZATION_HEADER}` "
                "header."
            ),
        },
        "servers": [{"url": routes.API_V1}],
        "security": [{"token": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": definitions["$defs"],
            "headers": HEADER_DEFINITIONS,
            "responses": _error_responses(),
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "A personal access token."},
                "session": {"type": "apiKey", "in": "cookie", "name": session_cookie_name(get_settings())},
            },
        },
    }
