"""`make run` with SKOPX_FAKE_LLM=1: the local demo model instead of Claude.

Starts `python -m backend.llm.demo.server` as a subprocess on a free local port, accepting only
the demo key, and returns the environment the app needs to talk to it. The app then resolves the
"demo" key source (no user or server key), records usage as `demo`, and labels the chat
"Local demo model" — it is never used silently. Wiring in backend/cli/run.py:

    fake = fake_llm.start_if_enabled()          # before start_app()
    os.environ.update(fake.env if fake else {})
    ...
    finally: fake_llm.stop(fake)                # after the app's process group is stopped
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from backend.config import PROJECT_ROOT, get_settings
from backend.services.chat import DEMO_API_KEY

DEMO_TOKENS_PER_SECOND = 40.0


@dataclass
class FakeLLM:
    process: subprocess.Popen
    base_url: str

    @property
    def env(self) -> dict[str, str]:
        # No ANTHROPIC_API_KEY: a server key would make the source "server" instead of "demo".
        return {"SKOPX_FAKE_LLM": "1", "ANTHROPIC_BASE_URL": self.base_url, "ANTHROPIC_API_KEY": ""}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*, port: int | None = None, timeout: float = 20.0) -> FakeLLM:
    port = port or _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend.llm.demo.server",
            "--port",
            str(port),
            "--valid-key",
            DEMO_API_KEY,
            "--tokens-per-second",
            str(DEMO_TOKENS_PER_SECOND),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("The local demo model (backend.llm.demo.server) could not start.")
        try:
            httpx.get(f"{base_url}/_fake/health", timeout=1).raise_for_status()
            return FakeLLM(process=process, base_url=base_url)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"The local demo model did not answer on port {port}.")


def start_if_enabled() -> FakeLLM | None:
    """Start the demo model when SKOPX_FAKE_LLM=1 (refused in production)."""
    settings = get_settings()
    if not settings.fake_llm:
        return None
    if settings.is_production:
        raise RuntimeError("SKOPX_FAKE_LLM=1 is for local demos only; unset it in production.")
    fake = start()
    print(f"  Using the local demo model at {fake.base_url} (SKOPX_FAKE_LLM=1), not Claude.", flush=True)
    return fake


def stop(fake: FakeLLM | None) -> None:
    if fake is None:
        return
    fake.process.terminate()
    try:
        fake.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        fake.process.kill()


if __name__ == "__main__":  # manual check: python -m backend.cli.fake_llm
    running = start()
    print(running.base_url)
    os.environ.update(running.env)
    stop(running)
