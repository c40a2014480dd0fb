"""Sign-in rate limits: headers on every answer, a clear wait message on the 11th failure."""

from __future__ import annotations

import random
import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.e2e_support import DEMO_PASSWORD


def fresh_client() -> str:
    """A client address no earlier run has used (counts can outlive a run in Redis)."""
    return f"198.{random.randint(18, 19)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def attempt(app_url: str, email: str, password: str, client: str) -> httpx.Response:
    return httpx.post(
        f"{app_url}/api/auth/login",
        data={"email": email, "password": password},
        headers={"accept": "application/json", "origin": app_url, "x-forwarded-for": client},
    )


def test_failures_count_down_and_the_eleventh_is_refused_with_retry_after(app_url: str) -> None:
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    client = fresh_client()
    remaining = []
    for _ in range(10):
        response = attempt(app_url, email, "Wrong-password-1!", client)
        assert response.status_code == 401
        assert response.json()["detail"] == "Email or password is incorrect."
        assert response.headers["x-ratelimit-limit"] == "10"
        assert response.headers["ratelimit-policy"] == "10;w=900"
        assert re.fullmatch(r"\d{10}", response.headers["x-ratelimit-reset"])
        remaining.append(int(response.headers["x-ratelimit-remaining"]))
    assert remaining == list(range(9, -1, -1))

    refused = attempt(app_url, email, "Wrong-password-1!", client)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["detail"].startswith("Too many attempts. Try again in ")

    # The email's budget is spent from any client; another email from a fresh client is unaffected.
    assert attempt(app_url, email, "Wrong-password-1!", fresh_client()).status_code == 429
    assert attempt(app_url, "member@acme.test", DEMO_PASSWORD, fresh_client()).status_code == 200


def test_correct_password_is_refused_too_once_the_budget_is_spent(app_url: str) -> None:
    client = fresh_client()
    for _ in range(10):
        attempt(app_url, f"x-{uuid.uuid4().hex[:6]}@example.com", "Wrong-password-1!", client)
    assert attempt(app_url, "member@acme.test", DEMO_PASSWORD, client).status_code == 429


def test_the_eleventh_bad_password_shows_how_long_to_wait(page: Page, app_url: str, console) -> None:
    email = f"typo-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{app_url}/login")
    error = page.locator("[data-form-error]")
    for attempt_number in range(1, 12):
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(f"Wrong-password-{attempt_number}!")
        page.locator("form[action='/api/auth/login'] button[type=submit]").click()
        if attempt_number < 11:
            expect(error).to_have_text("Email or password is incorrect.")
            error.evaluate("node => { node.textContent = '' }")
    expect(error).to_have_text(re.compile(r"Too many attempts\. Try again in 1[45] minutes\."))
    expect(page.get_by_label("Email")).to_have_value(email)
    assert console.csp_violations == []
