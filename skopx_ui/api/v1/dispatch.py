"""How every /api/v1 request is served, whatever the resource: one budget, one identity, one body
parser and one error mapping.

In order: the request is counted against the client's budget (and its token's, when it carries one)
before anything else, so a refusal costs nothing; the caller is identified; the JSON body is read into
the endpoint's model; the endpoint calls its service. Every answer, refusals and errors included,
carries the rate-limit headers. Failures are `{"code", "detail"}` JSON with the status of the error;
anything unexpected is logged with an incident id and answered 500 without detail.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend import routes
from backend.errors import AppError, Invalid, NotFound, RateLimited
from backend.ratelimit import RateDecision, rate_limit_headers
from backend.services import access_tokens, api_callers, request_budget
from backend.services.api_callers import Caller
from skopx_ui.api.responses import read_body_bytes
from skopx_ui.api.v1 import schemas

log = logging.getLogger("skopx.api.v1")

ORGANIZATION_HEADER = "x-skopx-organization"
# Every operation may answer these (besides its own success and the errors it lists).
COMMON_ERRORS = (400, 401, 402, 403, 404, 415, 422, 429, 503)


@dataclass(frozen=True)
class Call:
    request: Request
    caller: Caller | None
    path: dict[str, str]
    body: Any = None

    @property
    def ctx(self):
        return self.caller.context

    def query(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def flag(self, name: str) -> bool:
        value = self.query(name, "false").strip().lower()
        if value not in {"true", "false", "1", "0"}:
            raise Invalid(f"`{name}` is true or false.", field=name)
        return value in {"true", "1"}


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # an OpenAPI template under API_V1 (backend/routes.py)
    summary: str
    tag: str
    handler: Handler
    body: type[schemas.Body] | None = None
    returns: type[BaseModel] | None = None  # None: 204 No Content
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)  # name -> description
    errors: tuple[int, ...] = ()  # besides COMMON_ERRORS
    streams: bool = False  # also answers text/event-stream when asked
    public: bool = False  # answers without credentials (the API's own description)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


def error_body(error: AppError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "detail": error.detail}
    if error.field:
        body["field"] = error.field
    if isinstance(error, RateLimited):
        body["retry_after"] = error.retry_after
    return body


def error_response(error: AppError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else {}
    if error.status_code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="skopx"'
    return JSONResponse(error_body(error), status_code=error.status_code, headers=headers)


def unexpected_response(request: Request, error: BaseException) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", incident, request.method, request.url.path, exc_info=error)
    body = {"code": "server_error", "detail": f"Something went wrong on our side (reference {incident})."}
    return JSONResponse(body, status_code=500)


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "Send the body as JSON (Content-Type: application/json)."


def _field_sentence(error: dict[str, Any]) -> tuple[str | None, str]:
    location = ".".join(str(part) for part in error.get("loc", ()))
    kind = error.get("type", "")
    if kind == "missing":
        return location, f"`{location}` is required."
    if kind == "extra_forbidden":
        return location, f"`{location}` is not a field of this request."
    expected = {"string_type": "text", "bool_type": "true or false"}.get(kind, "of another type")
    return location or None, f"`{location}` must be {expected}." if location else "Send a JSON object."


async def read_body(request: Request, model: type[schemas.Body]) -> schemas.Body:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType()
    raw = await read_body_bytes(request)
    if raw is None:
        raise Invalid("The request body is larger than 1 MiB.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        location, sentence = _field_sentence(invalid.errors()[0])
        raise Invalid(sentence, field=location) from None


def render(endpoint: Endpoint, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if endpoint.returns is None:
        return Response(status_code=204)
    return JSONResponse(result.model_dump(mode="json"), status_code=endpoint.status)


async def _charge(request: Request) -> RateDecision:
    peer = request.client.host if request.client else None
    token = request.headers.get("authorization")
    token_hash = access_tokens.token_hash(token) if token else None
    return await request_budget.charge(peer=peer, headers=request.headers.items(), token_hash=token_hash)


class MethodNotAllowed(AppError):
    status_code = 405
    code = "method_not_allowed"
    default_detail = "This resource doesn't answer that method."


NO_SUCH_RESOURCE = f"There is no such resource in this API. See {routes.API_V1_OPENAPI}."


async def _answer(
    request: Request, endpoints: dict[str, Endpoint] | None
) -> tuple[Response, RateDecision | None]:
    decision = None
    try:
        decision = await _charge(request)
        if not decision.allowed:
            raise request_budget.refusal(decision)
        if endpoints is None:
            raise NotFound(NO_SUCH_RESOURCE)
        endpoint = endpoints.get(request.method)
        if endpoint is None:
            raise MethodNotAllowed()
        caller = None
        if not endpoint.public:
            caller = await api_callers.identify(
                authorization=request.headers.get("authorization"),
                cookie_header=request.headers.get("cookie"),
                organization=request.headers.get(ORGANIZATION_HEADER),
            )
        body = await read_body(request, endpoint.body) if endpoint.body else None
        call = Call(request=request, caller=caller, path=dict(request.path_params), body=body)
        return render(endpoint, await endpoint.handler(call)), decision
    except AppError as error:
        return error_response(error), decision
    except Exception as error:  # noqa: BLE001 - the API's one place for the unexpected
        return unexpected_response(request, error), decision


def serve(endpoints: dict[str, Endpoint] | None) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint of one path: its operations by method (another method is a JSON 405;
    `None` serves the paths the API doesn't have, as a JSON 404)."""

    async def endpoint(request: Request) -> Response:
        response, decision = await _answer(request, endpoints)
        if decision is not None:
            response.headers.update(rate_limit_headers(decision))
        if isinstance(response, JSONResponse) and response.status_code == 405 and endpoints:
            response.headers["Allow"] = ", ".join(sorted(endpoints))
        return response

    return endpoint
