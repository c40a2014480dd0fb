"""Sign-in, sign-up and sign-out: the only places the HttpOnly session cookie is set or cleared.

Failed attempts are counted per client and per email (AUTH policy, 10 per 15 minutes);
a client or email over budget is refused before the password is even checked.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from backend.auth.redirects import safe_next_path
from backend.auth.tokens import session_cookie_clear_kwargs, session_cookie_kwargs, session_cookie_name
from backend.config import get_settings
from backend.errors import AppError, Invalid, RateLimited
from backend.ratelimit import (
    AUTH,
    client_ip,
    client_key,
    email_key,
    get_async_limiter,
    rate_limit_headers,
)
from backend.services import accounts
from skopx_ui.api.responses import failure, read_form, success, unexpected


def _client(request: Request) -> str:
    peer = request.client.host if request.client else None
    return client_ip(peer, request.headers.items(), get_settings().trusted_proxies)


async def _budget(request: Request, email: str):
    keys = [client_key(_client(request))] + ([email_key(email)] if email else [])
    return keys, await get_async_limiter().peek(AUTH, *keys)


def _with_cookie(response: Response, token: str) -> Response:
    settings = get_settings()
    response.set_cookie(session_cookie_name(settings), token, **session_cookie_kwargs(settings))
    return response


async def login(request: Request) -> Response:
    form = await read_form(request)
    email = form.get("email", "").strip()
    next_path = safe_next_path(form.get("next"))
    keep = {"email": email[:254], "next": next_path}
    keys, budget = await _budget(request, email)
    try:
        budget.raise_if_refused()
        if not email or not form.get("password"):
            raise Invalid("Enter your email and password.", field="email" if not email else "password")
        token = await accounts.log_in(
            email=email, password=form["password"], user_agent=request.headers.get("user-agent", "")
        )
    except RateLimited as error:
        headers = rate_limit_headers(budget)
        return failure(request, error, back_to="/login", code="rate_limited", keep=keep, headers=headers)
    except AppError as refused:
        decision = await get_async_limiter().hit(AUTH, *keys)
        headers = rate_limit_headers(decision)
        if not decision.allowed:
            return failure(
                request,
                decision.as_error(),
                back_to="/login",
                code="rate_limited",
                keep=keep,
                headers=headers,
            )
        return failure(
            request, refused, back_to="/login", code="invalid_credentials", keep=keep, headers=headers
        )
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to="/login")
    return _with_cookie(success(request, next_path, headers=rate_limit_headers(budget)), token)


async def signup(request: Request) -> Response:
    form = await read_form(request)
    keep = {"name": form.get("name", "")[:100], "email": form.get("email", "")[:254]}
    keys, budget = await _budget(request, "")
    try:
        budget.raise_if_refused()
        token = await accounts.sign_up(
            name=form.get("name", ""),
            email=form.get("email", ""),
            password=form.get("password", ""),
            user_agent=request.headers.get("user-agent", ""),
        )
    except RateLimited as error:
        return failure(
            request,
            error,
            back_to="/signup",
            code="rate_limited",
            keep=keep,
            headers=rate_limit_headers(budget),
        )
    except AppError as error:
        decision = await get_async_limiter().hit(AUTH, *keys)
        return failure(
            request, error, back_to="/signup", code="invalid", keep=keep, headers=rate_limit_headers(decision)
        )
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to="/signup")
    next_path = safe_next_path(form.get("next"), default="/chat")
    return _with_cookie(success(request, next_path), token)


async def logout(request: Request) -> Response:
    settings = get_settings()
    token = request.cookies.get(session_cookie_name(settings))
    try:
        await accounts.log_out(token=token)
    except AppError:
        pass  # an unknown or expired session is already signed out
    except Exception as error:  # noqa: BLE001
        return unexpected(request, error, back_to="/login")
    response = success(request, "/login?notice=signed_out")
    response.delete_cookie(session_cookie_name(settings), **session_cookie_clear_kwargs(settings))
    return response
