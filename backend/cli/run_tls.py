"""`make run-tls`: `make run` behind Caddy on https://localhost (TLS 1.3, Caddy's local CA).

The app learns that it sits behind a trusted proxy (SKOPX_TRUSTED_PROXIES gains 127.0.0.1, where
Caddy connects from) and that people reach it over HTTPS (SKOPX_PUBLIC_URL), which turns on Secure
`__Host-` cookies and HSTS. Everything else is `make run` (backend/cli/run.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from backend.cli import caddy, run
from backend.config import get_settings

CADDY_PEER = "127.0.0.1"


@contextlib.contextmanager
def front(port: int) -> Iterator[None]:
    data_dir = get_settings().data_dir
    with caddy.running(data_dir, os.environ.get("SKOPX_UPSTREAMS") or f"127.0.0.1:{port}"):
        print(
            f"\n  Caddy serves https://localhost; its local CA is {caddy.root_certificate(data_dir)}",
            flush=True,
        )
        yield


def main() -> int:
    os.environ["SKOPX_PUBLIC_URL"] = "https://localhost"
    trusted = [p.strip() for p in os.environ.get("SKOPX_TRUSTED_PROXIES", "").split(",") if p.strip()]
    os.environ["SKOPX_TRUSTED_PROXIES"] = ",".join(dict.fromkeys([*trusted, CADDY_PEER]))
    try:
        caddy.binary()
    except caddy.CaddyError as error:
        print(str(error), flush=True)
        return 1
    return run.main(front=front)


if __name__ == "__main__":
    raise SystemExit(main())
