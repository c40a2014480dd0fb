"""User-safe error hierarchy.

Backend code raises these; one place in state maps them to a toast and one place
in the API maps them to a status code. `.detail` is always safe to show a user, and `code`
is the stable word the public API answers with (`{"code": ..., "detail": ...}`).
"""

from __future__ import annotations


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    default_detail = "Something went wrong. Please try again."

    def __init__(self, detail: str | None = None, *, field: str | None = None) -> None:
        self.detail = detail or self.default_detail
        self.field = field
        super().__init__(self.detail)


class Invalid(AppError):
    status_code = 422
    code = "invalid"
    default_detail = "Please check the highlighted field."


class Unauthenticated(AppError):
    status_code = 401
    code = "unauthenticated"
    default_detail = "Please sign in to continue."


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    default_detail = "You don't have permission to do that."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    default_detail = "We couldn't find that."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    default_detail = "That conflicts with something that already exists."


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    default_detail = "Too many attempts. Please wait a moment."

    def __init__(self, detail: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(detail or f"Too many attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


class Unavailable(AppError):
    status_code = 503
    code = "unavailable"
    default_detail = "A service we depend on is unavailable. Please try again shortly."
