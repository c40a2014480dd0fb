"""Two app instances on one PostgreSQL database and one Redis, behind a balancer, as in production.

Run as its own pytest session (`make test` does: `.venv/bin/pytest tests/twin`), because this file points
the session's settings at a database of its own: `skopx_twin_<random>` on the machine's PostgreSQL
(SKOPX_TWIN_POSTGRES, default postgresql://postgres@127.0.0.1:5432/postgres; the app roles log in
without a password, as on a loopback server with trust authentication), created, migrated and seeded
with the demo workspace, and dropped afterwards. Redis is REDIS_URL's server with database 14
(SKOPX_TWIN_REDIS_DB) for both the rate limits and Reflex's state, flushed afterwards. Without
REDIS_URL the tests are skipped, like every test that needs Redis.

Instance A starts as `make run` starts the app, building the frontend; instance B starts next to it on
that build (skopx_ui/serve_built.py). Both take SKOPX_PUBLIC_URL from the balancer (balancer.py), which
the browser uses and which sends each connection to A, or to B once A is gone. The balancer listens on
SKOPX_TWIN_PORT (3200), A and B on the next two ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
import pytest

from backend.cli import seed
from backend.db.testing import database_on_server, drop_database, recreate_database
from tests.e2e_support import (  # noqa: F401 - fixtures used by the tests
    browser_context_args,
    browser_type_launch_args,
    running_app,
)
from tests.twin.balancer import Balancer

REDIS_URL = os.environ.get("REDIS_URL")
POSTGRES = os.environ.get("SKOPX_TWIN_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
DBNAME = f"skopx_twin_{uuid.uuid4().hex[:8]}"
FRONT_PORT = int(os.environ.get("SKOPX_TWIN_PORT", "3200"))
A_PORT, B_PORT = FRONT_PORT + 1, FRONT_PORT + 2


def local_url(port: int) -> str:
    return f"http://localhost:{port}"


TWIN_REDIS_URL = (
    urlsplit(REDIS_URL)._replace(path=f"/{os.environ.get('SKOPX_TWIN_REDIS_DB', '14')}").geturl()
    if REDIS_URL
    else None
)

if TWIN_REDIS_URL:
    # Read by this process's services and inherited by both instances.
    os.environ.update(
        {
            **database_on_server(POSTGRES, DBNAME),
            "REDIS_URL": TWIN_REDIS_URL,
            "REFLEX_REDIS_URL": TWIN_REDIS_URL,
            "SKOPX_PUBLIC_URL": local_url(FRONT_PORT),
            # Tests give each client its own address through X-Forwarded-For (tests/e2e_support.py).
            "SKOPX_TRUSTED_PROXIES": "127.0.0.1,::1",
            "STRIPE_SECRET_KEY": "",
        }
    )


@pytest.fixture(scope="session")
def twin_database() -> Iterator[str]:
    """The superuser URL of the migrated and seeded twin database; dropped afterwards."""
    try:
        psycopg.connect(POSTGRES, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.fail(f"No PostgreSQL at SKOPX_TWIN_POSTGRES={POSTGRES!r}: {error}")
    database = recreate_database()
    try:
        seed.seed(database.admin)
        yield database.admin
    finally:
        drop_database(database.admin)


@pytest.fixture(scope="session")
def twin_redis() -> Iterator[str]:
    import redis

    yield TWIN_REDIS_URL
    with redis.Redis.from_url(TWIN_REDIS_URL) as client:
        client.flushdb()


@dataclass
class Twin:
    front: str  # the balancer: what a browser uses
    a: str
    b: str
    a_process: subprocess.Popen
    balancer: Balancer

    def kill_a(self) -> None:
        """SIGKILL instance A's whole process group, as a crashed machine would stop it."""
        os.killpg(self.a_process.pid, signal.SIGKILL)
        self.a_process.wait(timeout=15)


@pytest.fixture(scope="session")
def twin(twin_database: str, twin_redis: str) -> Iterator[Twin]:
    with (
        running_app(A_PORT, "twin-a.log") as a_process,
        running_app(B_PORT, "twin-b.log", build=False),
        Balancer(FRONT_PORT, [A_PORT, B_PORT]) as balancer,
    ):
        yield Twin(local_url(FRONT_PORT), local_url(A_PORT), local_url(B_PORT), a_process, balancer)
