"""`make run`'s failure modes: one clear sentence, a non-zero exit, never a stack trace."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from backend.config import PROJECT_ROOT


def run_module(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_busy_port_stops_with_one_sentence_saying_what_to_do() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run_module("backend.cli.run", env={"PORT": str(port)})
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr
    assert "make run PORT=" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unwritable_data_directory_stops_with_one_sentence(tmp_path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data folder should be")
    result = run_module("backend.db.embedded", "start", env={"SKOPX_DATA_DIR": str(blocker / "data")})
    assert result.returncode == 1
    assert "SKOPX_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_production_start_without_secrets_never_half_starts() -> None:
    result = run_module("backend.cli.run", env={"SKOPX_ENV": "production", "PORT": "1"})
    assert result.returncode == 2
    assert "missing required environment variable(s)" in result.stderr
    assert "Traceback" not in result.stderr
