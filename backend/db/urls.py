"""Where the database is: external URLs from env, else the embedded server's socket."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from backend.config import Settings

APP_ROLE = "skopx_app"
SERVICE_ROLE = "skopx_service"
OWNER_ROLE = "skopx_owner"


@dataclass(frozen=True)
class DatabaseUrls:
    admin: str
    app: str
    service: str
    embedded: bool


def database_name() -> str:
    return os.environ.get("SKOPX_DB_NAME", "skopx")


def embedded_pgdata(settings: Settings) -> Path:
    return settings.data_dir / "pg"


def embedded_socket_dir(pgdata: Path) -> Path | None:
    """The running embedded server's socket directory, from its postmaster.pid."""
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return None
    # postmaster.pid line 5 is the socket directory (see PostgreSQL's pidfile.h).
    return Path(lines[4]) if len(lines) > 4 and lines[4] else None


def socket_url(user: str, socket_dir: Path, dbname: str) -> str:
    return f"postgresql://{user}@/{dbname}?host={socket_dir}"


def resolve_urls(settings: Settings, *, dbname: str | None = None) -> DatabaseUrls:
    dbname = dbname or database_name()
    if settings.database_url:
        admin = settings.database_admin_url or ""
        return DatabaseUrls(
            admin=admin,
            app=settings.database_url,
            service=settings.service_database_url or "",
            embedded=False,
        )
    socket_dir = embedded_socket_dir(embedded_pgdata(settings))
    if socket_dir is None:
        raise RuntimeError(
            "The embedded database is not running. Start it with `make db` (or `make run`), "
            "or set DATABASE_URL to use another PostgreSQL."
        )
    return DatabaseUrls(
        admin=socket_url("postgres", socket_dir, dbname),
        app=socket_url(APP_ROLE, socket_dir, dbname),
        service=socket_url(SERVICE_ROLE, socket_dir, dbname),
        embedded=True,
    )
