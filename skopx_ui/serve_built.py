"""`python -m skopx_ui.serve_built`: one more app instance on $PORT, serving the frontend build already
in `.web/` instead of making a new one.

`reflex run --env prod --single-port` compiles the app and rebuilds `.web/` on every start, so a second
instance started that way from the same checkout would replace the files a first one is serving while
it runs. This does what that command does once the build exists: the production backend (granian,
its workers forked from a process that imported the app, compiling skipped) with the built frontend
mounted on the same port. Start the first instance normally, then any number of these; each needs
its own PORT, and all of them the same REDIS_URL and REFLEX_REDIS_URL (README, "Several instances").
`backend.cli.run.start_app(port, build=False)` starts one.
"""

from __future__ import annotations

import os
import sys

from reflex.utils import exec as reflex_exec
from reflex.utils import prerequisites
from reflex_base import constants
from reflex_base.config import get_config
from reflex_base.environment import environment

from backend.cli import devsecrets


def main() -> int:
    built = prerequisites.get_web_dir() / constants.Dirs.STATIC / "index.html"
    if not built.exists():
        print(
            f"No frontend build at {built.parent}: start one instance with `make run` first.",
            file=sys.stderr,
        )
        return 1
    devsecrets.apply_to_environ()  # local mode, as `make run` does; production reads the environment only
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_COMPILE_CONTEXT.set(constants.CompileContext.RUN)
    environment.REFLEX_SKIP_COMPILE.set(True)
    config = get_config()
    port = int(os.environ.get("PORT", "3000"))
    reflex_exec.run_backend_prod(
        config.backend_host, port, constants.LogLevel.WARNING, mount_frontend_compiled_app=True
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
