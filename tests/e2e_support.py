"""Shared browser-test fixtures: the production build served once per pytest session.

`tests/e2e` runs the app with the local Anthropic server and billing off; `tests/e2e_billing`
runs a second session with the local Stripe server configured. Each conftest imports these.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from backend.cli.run import AppDidNotStart, serving
from backend.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DEMO_PASSWORD = "Skopx-demo-2026!"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SKOPX_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # Playwright's own browser, when `make browser` installed it


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS, "headless": True}
    if path := chromium_path():
        args["executable_path"] = path
    return args


@contextmanager
def running_app(port: int, log_name: str, *, build: bool = True) -> Iterator[subprocess.Popen]:
    """The app on `port` with the current environment (its output in artifacts/`log_name`), stopped
    afterwards; `build=False` serves the build already in `.web/` (backend.cli.run.start_app)."""
    try:
        with serving(port, ARTIFACTS / log_name, build=build) as process:
            yield process
    except AppDidNotStart as error:
        pytest.fail(str(error))


def serve_app(port: int, extra_env: dict[str, str], log_name: str) -> Iterator[str]:
    """Seed the migrated test database, start the app with `extra_env`, stop it afterwards."""
    from backend.cli import seed

    seed.seed(seed._admin_url(migrate_first=False))
    saved = {k: os.environ.get(k) for k in [*extra_env, "PORT", "SKOPX_TRUSTED_PROXIES"]}
    os.environ.update(extra_env)
    os.environ["PORT"] = str(port)
    # Tests give each browser context its own client address through X-Forwarded-For.
    os.environ["SKOPX_TRUSTED_PROXIES"] = "127.0.0.1,::1"
    try:
        with running_app(port, log_name):
            yield f"http://localhost:{port}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class ConsoleWatch:
    """Collects console errors, page errors and CSP violations seen by a page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e or "Refused to" in e]


@pytest.fixture
def console(page: Page) -> ConsoleWatch:
    return ConsoleWatch(page)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Rate-limit counts can outlive a run (Redis when REDIS_URL is set), so every run draws its own
# client addresses from the shared address space 100.64.0.0/10.
_RUN_PREFIX = f"100.{random.randint(64, 127)}.{random.randint(0, 255)}"
_client_counter = iter(range(1, 255))


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """Every test is its own client (for rate limits), as if behind a trusted proxy."""
    return {
        **browser_context_args,
        "extra_http_headers": {"X-Forwarded-For": f"{_RUN_PREFIX}.{next(_client_counter)}"},
    }


def sign_in(
    page: Page,
    app_url: str,
    email: str,
    password: str = DEMO_PASSWORD,
    next_path: str = "/chat",
    ready: Callable[[Page], Locator] | None = None,
) -> None:
    """Sign in through the login form and wait until `ready(page)` (default: the app's navigation) shows."""
    page.goto(f"{app_url}/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("form[action='/api/auth/login']").get_by_role("button", name="Sign in").click()
    landed = re.escape(app_url + next_path.rstrip("/")) + r"/?(\?.*)?$"
    expect(page).to_have_url(re.compile("^" + landed), timeout=20_000)
    landmark = ready(page) if ready else page.get_by_role("navigation", name="Main")
    expect(landmark).to_be_visible(timeout=20_000)
