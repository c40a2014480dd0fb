"""Liveness and readiness for /healthz."""

from __future__ import annotations

import logging

from backend.db import migrate
from backend.db.session import tenant_session

log = logging.getLogger(__name__)


async def health_report() -> dict[str, object]:
    database = False
    migrations_current = False
    try:
        async with tenant_session(None) as conn:
            await conn.execute("select 1")
            database = True
            rows = await (
                await conn.execute("select name, checksum from skopx_meta.schema_migrations")
            ).fetchall()
            migrations_current = {r["name"]: r["checksum"] for r in rows} == migrate.shipped_checksums()
    except Exception as error:  # noqa: BLE001 - health must answer, never raise
        log.warning("health check failed: %s", type(error).__name__)
    return {
        "status": "ok" if database and migrations_current else "degraded",
        "app": True,
        "database": database,
        "migrations_current": migrations_current,
    }
