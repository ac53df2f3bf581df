"""The real app under uvicorn on 127.0.0.1, for tests that need real HTTP (e.g. an
endless server-sent event stream, which httpx's ASGITransport would buffer forever).

The server runs as a task in the test's own event loop, so a test can also use the
app's runtime (`srv.runtime`) directly. Use it as an async context manager:

    async with LiveServer(settings) as srv:
        async with srv.client() as http:
            r = await http.get("/api/health")
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import httpx
import uvicorn

from backend.core.config import Settings
from backend.core.runtime import Runtime
from backend.core.server import server_config
from backend.main import create_app

START_SECONDS = 30
STOP_SECONDS = 15
# The server drops a connection idle this long; its clients stop reusing one well before.
# With both at 5 s (uvicorn's and httpx's defaults) a request sent on a connection just as
# the server closes it fails with httpx.ReadError: seen once in CI, a test failing at
# random between two steps more than 5 s apart.
SERVER_KEEPALIVE_SECONDS = 5
CLIENT_KEEPALIVE_SECONDS = 2


class _Server(uvicorn.Server):
    def capture_signals(self):  # leave Ctrl-C to pytest
        return contextlib.nullcontext()


class LiveServer:
    def __init__(
        self, settings: Settings, *, graceful_seconds: float = 3, embedded_worker: bool = False
    ) -> None:
        # embedded_worker: the ingest worker runs inside the server, as in `evidence serve`.
        self.app = create_app(settings, embedded_worker=embedded_worker)
        self._graceful = graceful_seconds
        self._server: _Server | None = None
        self._task: asyncio.Task | None = None
        self._socket: socket.socket | None = None
        self.url = ""

    @property
    def runtime(self) -> Runtime:
        return self.app.state.runtime

    def client(self, **kwargs) -> httpx.AsyncClient:
        """A client for this server; no proxies from the environment, 10 s timeouts, idle
        connections dropped before the server drops them."""
        kwargs.setdefault("timeout", 10)
        limits: httpx.Limits = kwargs.pop("limits", httpx.Limits())
        kwargs["limits"] = httpx.Limits(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=CLIENT_KEEPALIVE_SECONDS,
        )
        return httpx.AsyncClient(base_url=self.url, trust_env=False, **kwargs)

    async def __aenter__(self) -> LiveServer:
        # Bind first and hand uvicorn the socket: no race for a "free" port.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(128)
        port = self._socket.getsockname()[1]
        config = server_config(
            self.app,
            "127.0.0.1",
            port,
            log_level="warning",
            lifespan="on",
            timeout_keep_alive=SERVER_KEEPALIVE_SECONDS,
            timeout_graceful_shutdown=self._graceful,
        )
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_SECONDS
        while not self._server.started:
            if self._task.done():
                await self._stop()
                raise RuntimeError(f"the server did not start: {self._task.exception()!r}")
            if loop.time() > deadline:
                await self._stop()
                raise TimeoutError(f"the server did not start in {START_SECONDS} s")
            await asyncio.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        await self._stop()

    async def _stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_SECONDS)
        except TimeoutError:
            self._server.force_exit = True
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        except Exception:  # the server failed; its error is not the test's result
            pass
        finally:
            self._task = None
            if self._socket is not None:
                self._socket.close()
