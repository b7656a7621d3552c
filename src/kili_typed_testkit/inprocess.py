"""httpx transports that call the server's ASGI app directly: no socket, no port.

:class:`InProcessAsyncTransport` is httpx's ``ASGITransport`` with the request's read
timeout applied (``ASGITransport`` has none, so a hanging fault would hang the test).
:class:`InProcessTransport` gives sync clients the same: the app runs on an event loop of
its own in a background thread, and each request waits for its answer there.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import httpx

from kili_typed_server.instruments.instrument import ASGIApp

_LOOP_STOP_TIMEOUT_SECONDS = 5.0


def _read_timeout(request: httpx.Request) -> float | None:
    timeout: dict[str, Any] = request.extensions.get("timeout", {})
    read = timeout.get("read")
    return None if read is None else float(read)


class InProcessAsyncTransport(httpx.ASGITransport):
    """An ``ASGITransport`` that honours the request's read timeout.

    Args:
        app: The ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app=app, client=("127.0.0.1", 50000))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Calls the app; raises ``httpx.ReadTimeout`` when it takes longer than allowed."""
        timeout = _read_timeout(request)
        if timeout is None:
            return await super().handle_async_request(request)
        try:
            with anyio.fail_after(timeout):
                return await super().handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"the in-process server did not answer within {timeout:g}s", request=request
            ) from None


class AppLoop:
    """An event loop in a daemon thread, on which sync callers run an ASGI app."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop, started on first use."""
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="kili-typed-in-process", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def close(self) -> None:
        """Stops the loop and waits for its thread."""
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_LOOP_STOP_TIMEOUT_SECONDS)
            if not thread.is_alive():
                loop.close()


class InProcessTransport(httpx.BaseTransport):
    """A sync httpx transport calling an ASGI app on an :class:`AppLoop`.

    Closing it leaves the loop running: the loop belongs to whoever made it.

    Args:
        app: The ASGI app.
        app_loop: Where the app runs.
    """

    def __init__(self, app: ASGIApp, app_loop: AppLoop) -> None:
        self._inner = InProcessAsyncTransport(app)
        self._app_loop = app_loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Sends the request to the app and waits for the whole answer."""
        body = request.read()

        async def call() -> tuple[int, httpx.Headers, bytes]:
            copy = httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                content=body,
                extensions=request.extensions,
            )
            response = await self._inner.handle_async_request(copy)
            # Raw: the sync response decodes any Content-Encoding itself.
            content = b"".join([chunk async for chunk in response.aiter_raw()])
            return response.status_code, response.headers, content

        future = asyncio.run_coroutine_threadsafe(call(), self._app_loop.loop())
        try:
            status, headers, content = future.result()
        except BaseException:
            future.cancel()
            raise
        return httpx.Response(
            status,
            headers=headers,
            stream=httpx.ByteStream(content),
            extensions={"http_version": b"HTTP/1.1"},
        )
