"""A TCP balancer on loopback, standing in for the one in front of several instances in production.

Each connection goes, whole, to the first backend in the list that accepts it: a websocket stays on
the instance it reached (sticky, as a balancer in front of Reflex must be), and a backend that is gone
is skipped, so the tabs of a stopped instance reconnect to the next one. `served` counts the
connections each backend was given.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Sequence

CHUNK = 64 * 1024


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass  # the other side is gone (a killed instance resets its connections)
    finally:
        writer.close()


class Balancer:
    def __init__(self, port: int, backends: Sequence[int]) -> None:
        self.port = port
        self.backends = list(backends)
        self.served: Counter[int] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="balancer", daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> Balancer:
        self._thread.start()
        listening = asyncio.start_server(self._handle, "localhost", self.port)
        self._server = asyncio.run_coroutine_threadsafe(listening, self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        async def shut_down() -> None:
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shut_down(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        for port in self.backends:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            self.served[port] += 1
            await asyncio.gather(_pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer))
            return
        client_writer.close()
