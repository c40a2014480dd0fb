"""`make run`: embedded database, migrations, demo data (local mode only), then the app's production build.

Ctrl-C (or SIGTERM) stops the app's whole process group and then the embedded
database. A database left running by a killed earlier run is simply reused.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from backend.cli import devsecrets
from backend.config import PROJECT_ROOT, SettingsError, get_settings

REFLEX = str(PROJECT_ROOT / ".venv" / "bin" / "reflex")
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python")


class FrontError(RuntimeError):
    """The proxy in front of the app could not start; the message says why and what to do."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def reflex_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PORT": str(port),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "REFLEX_BUN_PATH": str(PROJECT_ROOT / ".tools" / "node_modules" / "bun" / "bin" / "bun.exe"),
            "NEXT_TELEMETRY_DISABLED": "1",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def start_app(port: int, *, stdout=None, build: bool = True) -> subprocess.Popen:
    """Start `reflex run --env prod` in its own process group.

    `build=False` serves the frontend build already in `.web/` instead (skopx_ui/serve_built.py): a
    further instance next to one that is running, which a rebuild would disturb."""
    command = [REFLEX, "run", "--env", "prod", "--single-port", "--loglevel", "warning"]
    return subprocess.Popen(
        command if build else [PYTHON, "-m", "skopx_ui.serve_built"],
        cwd=PROJECT_ROOT,
        env=reflex_environment(port),
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout else None,
        start_new_session=True,
    )


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


class AppDidNotStart(RuntimeError):
    pass


@contextmanager
def serving(port: int, log_path: Path, *, build: bool = True) -> Iterator[subprocess.Popen]:
    """The app on `port` with the current environment (its output in `log_path`), until the block
    ends; then its whole process group is stopped. Raises AppDidNotStart naming the log."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = start_app(port, stdout=log, build=build)
    try:
        if not wait_until_serving(port, process):
            raise AppDidNotStart(f"The app did not start on port {port}; see {log_path}")
        yield process
    finally:
        stop_group(process)


def app_pidfile() -> Path:
    return get_settings().data_dir / "app.pid"


def stop_leftover_app() -> None:
    """A previous run killed with SIGKILL leaves its app (own process group) behind: stop it."""
    import psutil

    pidfile = app_pidfile()
    try:
        pgid = int(pidfile.read_text().strip())
        leader = psutil.Process(pgid)
        if "reflex" in " ".join(leader.cmdline()):
            os.killpg(pgid, signal.SIGTERM)
            psutil.wait_procs([leader], timeout=15)
            if leader.is_running():
                os.killpg(pgid, signal.SIGKILL)
            print("Stopped the app left running by an earlier run.", file=sys.stderr)
    except (OSError, ValueError, psutil.Error):
        pass
    pidfile.unlink(missing_ok=True)


def prepare_database() -> None:
    """Migrations; then the demo workspace, but only in local mode (production starts with no accounts)."""
    from backend.cli import migrate_cmd

    if migrate_cmd.main() != 0:
        raise SystemExit(1)
    from backend.cli import seed

    if get_settings().is_production:
        seed.explain_first_owner()
    else:
        seed.seed_if_fresh()


def _stop_like_ctrl_c(*_: object) -> None:
    raise KeyboardInterrupt


def main(front: Callable[[int], AbstractContextManager] | None = None) -> int:
    """`front(port)`, if given, is entered once the app serves on `port` (a proxy in front of it)."""
    devsecrets.ensure()
    devsecrets.apply_to_environ()
    try:
        settings = get_settings()
    except SettingsError as error:
        print(error.message, file=sys.stderr)
        return 2
    port = int(os.environ.get("PORT", "3000"))
    stop_leftover_app()
    if not port_is_free(port):
        print(
            f"Port {port} is already in use. Stop whatever is using it, or run `make run PORT=<free port>`.",
            file=sys.stderr,
        )
        return 1
    try:
        prepare_database()
    except RuntimeError as error:
        print(str(error), file=sys.stderr)
        return 1
    from backend.cli import fake_llm

    demo_model = fake_llm.start_if_enabled()
    os.environ.update(demo_model.env if demo_model else {})
    app = start_app(port)
    app_pidfile().parent.mkdir(parents=True, exist_ok=True)
    app_pidfile().write_text(str(app.pid))
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    status = 0
    try:
        serving = wait_until_serving(port, app)
        with front(port) if serving and front else contextlib.nullcontext():
            if serving:
                print(f"\n  Skopx is running on {settings.public_url}  (Ctrl-C to stop)\n", flush=True)
            app.wait()
    except KeyboardInterrupt:
        print("\nStopping Skopx…", file=sys.stderr)
    except FrontError as error:
        print(str(error), file=sys.stderr)
        status = 1
    finally:
        stop_group(app)
        app_pidfile().unlink(missing_ok=True)
        fake_llm.stop(demo_model)
        if not settings.database_url:
            from backend.db import embedded

            embedded.stop()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
