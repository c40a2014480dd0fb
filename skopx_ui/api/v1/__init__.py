"""/api/v1: the public JSON API. `api_routes()` mounts every resource of `resources.ENDPOINTS`, the
OpenAPI document, and a JSON 404 for any other path under the prefix."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from backend import routes
from skopx_ui.api.v1.dispatch import Call, Endpoint, serve
from skopx_ui.api.v1.openapi import document
from skopx_ui.api.v1.resources import ENDPOINTS

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


async def openapi_document(_: Call) -> JSONResponse:
    return JSONResponse(document())


DESCRIPTION = Endpoint(
    "GET", routes.V1_OPENAPI, "This API's OpenAPI 3.1 document", "Meta", openapi_document, public=True
)


def api_routes() -> Mount:
    by_path: dict[str, dict[str, Endpoint]] = {}
    for endpoint in (*ENDPOINTS, DESCRIPTION):
        by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint
    resources = [Route(path, serve(operations), methods=METHODS) for path, operations in by_path.items()]
    return Mount(routes.API_V1, routes=[*resources, Route("/{rest:path}", serve(None), methods=METHODS)])
