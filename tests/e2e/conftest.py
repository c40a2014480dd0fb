"""Browser tests: the production build of the app, served once per session on its own port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.cli.run import start_app, stop_group, wait_until_serving
from backend.config import PROJECT_ROOT

E2E_PORT = int(os.environ.get("SKOPX_E2E_PORT", "3111"))
ARTIFACTS = PROJECT_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
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


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("SKOPX_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # fall back to Playwright's own download


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS, "headless": True}
    if path := _chromium_path():
        args["executable_path"] = path
    return args


@pytest.fixture(scope="session")
def app_url(migrated_database) -> Iterator[str]:
    """Start `reflex run --env prod` against the test database; stop its process group at the end."""
    os.environ["PORT"] = str(E2E_PORT)
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "e2e-server.log"
    with log_path.open("wb") as log:
        process = start_app(E2E_PORT, stdout=log)
    try:
        if not wait_until_serving(E2E_PORT, process):
            pytest.fail(f"The app did not start on port {E2E_PORT}; see {log_path}")
        yield f"http://localhost:{E2E_PORT}"
    finally:
        stop_group(process)


@pytest.fixture(scope="session")
def server_log() -> Path:
    return ARTIFACTS / "e2e-server.log"


class ConsoleWatch:
    """Collects console errors, page errors and CSP violations seen by a page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e or "Refused to" in e]


@pytest.fixture
def console(page) -> ConsoleWatch:
    return ConsoleWatch(page)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
