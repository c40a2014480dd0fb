"""Failures talking to Claude, reduced to a few user-facing kinds.

Messages are fixed strings: nothing from the request (and never the API key) is echoed.
The SDK exception is not chained (`from None`) because it carries the request and its
headers; `status`, `error_type` and `request_id` keep what is useful for logs.
"""

from __future__ import annotations

from typing import Literal

import anthropic
import httpx2

from backend.errors import AppError

LLMErrorKind = Literal["invalid_key", "busy", "server_error", "timeout", "connection_lost", "bad_request"]

# kind -> (user-facing detail, retryable, status code for the API layer)
_KINDS: dict[str, tuple[str, bool, int]] = {
    "invalid_key": ("Your Anthropic API key was rejected. Update it in Settings.", False, 502),
    "busy": ("Claude is busy right now. Retry in a moment.", True, 503),
    "server_error": ("Claude ran into a problem answering. Retry in a moment.", True, 502),
    "timeout": ("Claude took too long to answer. Retry in a moment.", True, 504),
    "connection_lost": (
        "The connection to Claude was lost before the reply finished. Retry to continue.",
        True,
        502,
    ),
    "bad_request": ("Claude couldn't process this conversation.", False, 502),
}

_BUSY_TYPES = {"rate_limit_error", "overloaded_error"}
_KEY_TYPES = {"authentication_error", "permission_error"}


class LLMError(AppError):
    """A model call failed. `.detail` is safe to show; `.retryable` says whether Retry makes sense."""

    code = "model_error"

    def __init__(
        self,
        kind: LLMErrorKind,
        *,
        during_stream: bool = False,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        detail, retryable, status_code = _KINDS[kind]
        super().__init__(detail)
        self.kind = kind
        self.retryable = retryable
        self.status_code = status_code
        self.during_stream = during_stream
        self.status = status
        self.error_type = error_type
        self.request_id = request_id
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"LLMError(kind={self.kind!r}, status={self.status!r}, during_stream={self.during_stream})"


def _kind_for_status(status: int, error_type: str | None) -> LLMErrorKind:
    if error_type in _KEY_TYPES or status in {401, 403}:
        return "invalid_key"
    if error_type in _BUSY_TYPES or status in {429, 529}:
        return "busy"
    if error_type == "api_error" or status >= 500 or status < 400:  # < 400: an SSE `error` event
        return "server_error"
    return "bad_request"


def _retry_after(error: anthropic.APIStatusError) -> float | None:
    try:
        return float(error.response.headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None


def classify_error(error: BaseException, *, during_stream: bool = False) -> LLMError:
    """Map an SDK / transport exception to an `LLMError` (unknown exceptions become connection_lost)."""
    if isinstance(error, LLMError):
        return error
    if isinstance(error, anthropic.APIStatusError):
        error_type = error.type if isinstance(error.type, str) else None
        return LLMError(
            _kind_for_status(error.status_code, error_type),
            during_stream=during_stream,
            status=error.status_code,
            error_type=error_type,
            request_id=error.request_id,
            retry_after=_retry_after(error),
        )
    if isinstance(error, anthropic.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        return LLMError("timeout", during_stream=during_stream)
    return LLMError("connection_lost", during_stream=during_stream)
