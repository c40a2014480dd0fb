"""Run an ASGI app with uvicorn on a free local port, in a background thread.

Starts the demo model in-process (tests), and the tests' fake Stripe server too; each server also
has its own `python -m` entry point, which `make run` uses for the demo model.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class RunningServer:
    """A server started by `start_in_thread`; stop it with `.stop()` or use it as a context manager."""

    base_url: str
    port: int
    app: Any
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def start_in_thread(
    app: Any, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
) -> RunningServer:
    """Serve `app` on `host:port` (0 = a free port) and return once it accepts connections."""
    sock = bind_socket(host, port)
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)

    def serve() -> None:
        with contextlib.closing(sock):
            server.run(sockets=[sock])

    thread = threading.Thread(target=serve, name=f"local-server-{actual_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"local server on port {actual_port} did not start")
        time.sleep(0.01)
    return RunningServer(
        base_url=f"http://{host}:{actual_port}",
        port=actual_port,
        app=app,
        _server=server,
        _thread=thread,
    )
