"""`make run-tls`: `make run` behind Caddy on https://localhost (TLS 1.3, Caddy's local CA).

The app learns that it sits behind a trusted proxy (SKOPX_TRUSTED_PROXIES gains 127.0.0.1, where
Caddy connects from) and that people reach it over HTTPS (SKOPX_PUBLIC_URL), which turns on Secure
`__Host-` cookies and HSTS. Everything else is `make run` (backend/cli/run.py).

`SKOPX_INSTANCES=2` starts a second instance on the next port, on the same build and database, and
Caddy balances the two (sticky per client). They share Reflex state and rate limits through Redis,
so REDIS_URL and REFLEX_REDIS_URL must be set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from backend.cli import caddy, run
from backend.config import get_settings

CADDY_PEER = "127.0.0.1"


TWO_NEED_REDIS = (
    "SKOPX_INSTANCES=2 needs REDIS_URL and REFLEX_REDIS_URL (e.g. redis://127.0.0.1:6379/0 and /1), "
    "so that both instances share sessions' state and rate limits."
)


def instances() -> int:
    value = os.environ.get("SKOPX_INSTANCES", "1").strip()
    if value not in {"1", "2"}:
        raise SystemExit(f"SKOPX_INSTANCES is 1 or 2, not {value!r}.")
    return int(value)


@contextlib.contextmanager
def front(port: int) -> Iterator[None]:
    settings = get_settings()
    with contextlib.ExitStack() as stack:
        upstreams = [f"127.0.0.1:{port}"]
        if instances() == 2:
            try:
                stack.enter_context(
                    run.serving(port + 1, settings.data_dir / "second-instance.log", build=False)
                )
            except run.AppDidNotStart as error:
                raise run.FrontError(str(error)) from None
            upstreams.append(f"127.0.0.1:{port + 1}")
        stack.enter_context(
            caddy.running(settings.data_dir, os.environ.get("SKOPX_UPSTREAMS") or " ".join(upstreams))
        )
        print(
            f"\n  Caddy serves https://localhost over {', '.join(upstreams)};"
            f" its local CA is {caddy.root_certificate(settings.data_dir)}",
            flush=True,
        )
        yield


def main() -> int:
    os.environ["SKOPX_PUBLIC_URL"] = "https://localhost"
    trusted = [p.strip() for p in os.environ.get("SKOPX_TRUSTED_PROXIES", "").split(",") if p.strip()]
    os.environ["SKOPX_TRUSTED_PROXIES"] = ",".join(dict.fromkeys([*trusted, CADDY_PEER]))
    if instances() == 2 and not (os.environ.get("REDIS_URL") and os.environ.get("REFLEX_REDIS_URL")):
        print(TWO_NEED_REDIS, flush=True)
        return 1
    try:
        caddy.binary()
    except caddy.CaddyError as error:
        print(str(error), flush=True)
        return 1
    return run.main(front=front)


if __name__ == "__main__":
    raise SystemExit(main())
