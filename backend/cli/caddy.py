"""Caddy in front of the app: the repository's Caddyfile, with its data (and local CA) under the data dir.

Used by `make run-tls` (backend/cli/run_tls.py) and by the Observatory test. Caddy finds its storage
through XDG_DATA_HOME, so the local CA's root certificate ends up at `root_certificate(data_dir)`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from backend.cli.run import FrontError, port_is_free
from backend.config import PROJECT_ROOT

CADDYFILE = PROJECT_ROOT / "Caddyfile"


class CaddyError(FrontError):
    pass


def binary() -> str:
    found = shutil.which(os.environ.get("SKOPX_CADDY") or "caddy")
    if not found:
        raise CaddyError(
            "Caddy is missing: `make run-tls` installs Debian's caddy package when run as root; "
            "otherwise install caddy yourself or set SKOPX_CADDY=/path/to/caddy."
        )
    return found


def root_certificate(data_dir: Path) -> Path:
    return data_dir / "caddy" / "pki" / "authorities" / "local" / "root.crt"


def environment(data_dir: Path, upstreams: str, site: str = "localhost") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "XDG_DATA_HOME": str(data_dir),
            "XDG_CONFIG_HOME": str(data_dir),
            "SKOPX_SITE_ADDRESS": site,
            "SKOPX_UPSTREAMS": upstreams,
        }
    )
    return env


def _ports(env: dict[str, str]) -> tuple[int, int]:
    return int(env.get("SKOPX_HTTP_PORT", "80")), int(env.get("SKOPX_HTTPS_PORT", "443"))


def _ports_in_use(ports: tuple[int, ...]) -> list[int]:
    return [port for port in ports if not port_is_free(port, "0.0.0.0")]  # noqa: S104 - Caddy binds all


def _answers(https_port: int, site: str, cafile: Path) -> bool:
    if not cafile.exists():
        return False
    context = ssl.create_default_context(cafile=str(cafile))
    try:
        with urllib.request.urlopen(f"https://{site}:{https_port}/ping", timeout=3, context=context):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def running(
    data_dir: Path, upstreams: str, *, site: str = "localhost", timeout: float = 60
) -> Iterator[subprocess.Popen]:
    """Start Caddy with the Caddyfile, wait until https://site/ping answers through it, stop it after."""
    env = environment(data_dir, upstreams, site)
    busy = _ports_in_use(_ports(env))
    if busy:
        raise CaddyError(
            f"Port(s) {', '.join(map(str, busy))} already in use: stop whatever serves them (another "
            "`make run-tls`?), or set SKOPX_HTTP_PORT and SKOPX_HTTPS_PORT."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "caddy.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [binary(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while not _answers(_ports(env)[1], site, root_certificate(data_dir)):
            if process.poll() is not None or time.monotonic() > deadline:
                hint = "" if os.geteuid() == 0 else " Ports below 1024 need root (or SKOPX_HTTP(S)_PORT)."
                raise CaddyError(f"Caddy did not start serving https://{site}; see {log_path}.{hint}")
            time.sleep(0.3)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
