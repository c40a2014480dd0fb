"""Sign-in, sign-up and sign-out: the only places the HttpOnly session cookie is set or cleared.

Attempts are counted per client and per email (AUTH policy, 10 per 15 minutes) before the password
is checked, and sign-ins give theirs back when they succeed: a client or email over budget is refused
without a password check, a burst of concurrent attempts gets at most 10 checks, and people who sign
in successfully never use up their budget. A successful sign-up stays counted for its client, so one
client creates at most 10 accounts per window.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from backend import limits, routes
from backend.auth.redirects import safe_next_path
from backend.auth.tokens import session_cookie_clear_kwargs, session_cookie_kwargs, session_cookie_name
from backend.config import get_settings
from backend.errors import AppError, Invalid, RateLimited, Unavailable
from backend.ratelimit import (
    AUTH,
    RateDecision,
    client_key,
    email_key,
    get_async_limiter,
    rate_limit_headers,
)
from backend.services import accounts, request_budget
from skopx_ui.api.responses import failure, read_form, success, unexpected


def _client(request: Request) -> str:
    peer = request.client.host if request.client else None
    return request_budget.client_address(peer, request.headers.items())


def _attempt_keys(request: Request, email: str) -> list[str]:
    return [client_key(_client(request))] + (
        [email_key(accounts.attempt_address(email))] if email.strip() else []
    )


async def _give_back(keys: list[str], charged: RateDecision) -> RateDecision:
    try:
        return await get_async_limiter().refund(AUTH, *keys)
    except Unavailable:
        return charged  # the attempt stays counted: errs on the strict side


def _with_cookie(response: Response, token: str) -> Response:
    settings = get_settings()
    response.set_cookie(session_cookie_name(settings), token, **session_cookie_kwargs(settings))
    return response


async def login(request: Request) -> Response:
    form = await read_form(request)
    email, password = form.get("email", "").strip(), form.get("password", "")
    next_path = safe_next_path(form.get("next"))
    keep = {"email": email[: limits.EMAIL_MAX_LEN], "next": next_path}
    keys = _attempt_keys(request, email)
    decision: RateDecision | None = None
    try:
        decision = await get_async_limiter().hit(AUTH, *keys)
        decision.raise_if_refused()
        if not email or not password:
            raise Invalid("Enter your email and password.", field="email" if not email else "password")
        token = await accounts.log_in(
            email=email, password=password, user_agent=request.headers.get("user-agent", "")
        )
    except RateLimited as error:
        headers = rate_limit_headers(decision) if decision else None
        return failure(request, error, back_to=routes.LOGIN, code="rate_limited", keep=keep, headers=headers)
    except AppError as refused:
        headers = rate_limit_headers(decision) if decision else None
        code = "server" if isinstance(refused, Unavailable) else "invalid_credentials"
        return failure(request, refused, back_to=routes.LOGIN, code=code, keep=keep, headers=headers)
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to=routes.LOGIN)
    left = await _give_back(keys, decision)
    return _with_cookie(success(request, next_path, headers=rate_limit_headers(left)), token)


async def signup(request: Request) -> Response:
    form = await read_form(request)
    email = form.get("email", "")
    keep = {
        "name": form.get("name", "")[: limits.DISPLAY_NAME.max_len],
        "email": email[: limits.EMAIL_MAX_LEN],
    }
    keys = _attempt_keys(request, email)
    decision: RateDecision | None = None
    try:
        decision = await get_async_limiter().hit(AUTH, *keys)
        decision.raise_if_refused()
        token = await accounts.sign_up(
            name=form.get("name", ""),
            email=email,
            password=form.get("password", ""),
            user_agent=request.headers.get("user-agent", ""),
        )
    except RateLimited as error:
        headers = rate_limit_headers(decision) if decision else None
        return failure(request, error, back_to=routes.SIGNUP, code="rate_limited", keep=keep, headers=headers)
    except AppError as error:
        headers = rate_limit_headers(decision) if decision else None
        return failure(request, error, back_to=routes.SIGNUP, code="invalid", keep=keep, headers=headers)
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to=routes.SIGNUP)
    # A new account keeps its attempt on the client's budget (at most 10 accounts per client per
    # window), and gives back only the address's, which can't be signed up for again anyway.
    await _give_back(keys[1:], decision)
    next_path = safe_next_path(form.get("next"), default=routes.CHAT)
    return _with_cookie(success(request, next_path), token)


async def logout(request: Request) -> Response:
    settings = get_settings()
    token = request.cookies.get(session_cookie_name(settings))
    try:
        await accounts.log_out(token=token)
    except AppError:
        pass  # an unknown or expired session is already signed out
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to=routes.LOGIN)
    response = success(request, routes.login_with_notice("signed_out"))
    response.delete_cookie(session_cookie_name(settings), **session_cookie_clear_kwargs(settings))
    return response
