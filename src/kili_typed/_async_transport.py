"""The transport of the connection pool `AsyncKili` creates (never of a caller's `http_client`).

httpx's `AsyncHTTPTransport` drives httpcore's `AsyncConnectionPool`, which at
every request and every answer closed walks all its connections, asks each idle
one whether its socket is readable (through anyio), and counts idle connections
once per idle connection. With ten pages in flight that bookkeeping cost more
CPU than reading the pages. This transport keeps the same settings (httpx's
default limits, the same SSL context, HTTP/1.1, no connect retries) and the same
errors (httpcore's, mapped to httpx's exactly as httpx maps them), over a smaller
pool: idle connections on a stack per origin, the one taken checked as httpcore
checks it, and waiters woken in order when all ``max_connections`` are busy.
Each connection is httpcore's own `AsyncHTTP11Connection`, on the asyncio
backend of `kili_typed._asyncio_backend`.

Only used where httpx would not route through a proxy: with a proxy in the
environment, the facade builds its `httpx.AsyncClient` as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from types import TracebackType

import httpcore
import httpx

from ._asyncio_backend import AsyncioBackend
from ._pooling import (
    DEFAULT_LIMITS,
    DEFAULT_PORTS,
    check_scheme,
    core_request,
    env_proxies,
    extensions,
    httpx_response,
    mapped_exceptions,
    pool_bounds,
)


def _socket_readable(sock: socket.socket | None) -> bool:
    """httpcore's check that an idle connection's socket has nothing to read (else the
    server closed it): readable, or no socket at all, means the connection is done."""
    if sock is None or sock.fileno() == -1:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)  # pragma: no cover - Windows
    return bool(readable)


class _Connection:
    """One pooled HTTP/1.1 connection and what the pool knows of it."""

    __slots__ = ("http", "key", "stream")

    def __init__(
        self, origin: httpcore.Origin, stream: httpcore.AsyncNetworkStream, keepalive: float | None
    ) -> None:
        self.key = (origin.scheme, origin.host, origin.port)
        self.stream = stream
        self.http = httpcore.AsyncHTTP11Connection(
            origin=origin, stream=stream, keepalive_expiry=keepalive
        )

    def reusable(self) -> bool:
        """Idle, within its keep-alive, and not closed by the server meanwhile."""
        http = self.http
        if not http.is_idle() or http.has_expired():
            return False
        # `has_expired` saw only what the event loop has received; the socket may
        # hold the server's close that the loop has not read yet.
        return not _socket_readable(self.stream.get_extra_info("socket"))


class LeanConnectionPool:
    """At most `max_connections` HTTP/1.1 connections, up to `max_keepalive` of them kept idle."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
        backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._max_connections, self._max_keepalive = pool_bounds(limits)
        self._keepalive = limits.keepalive_expiry
        self._backend = backend or AsyncioBackend()
        # Idle connections by origin (scheme, host, port; `httpcore.Origin` is not hashable).
        self._idle: dict[tuple[bytes, bytes, int], list[_Connection]] = {}
        self._idle_count = 0
        self._open: set[_Connection] = set()
        self._opening = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    # ------------------------------------------------------------------ sending

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        check_scheme(request)
        timeouts: dict[str, float | None] = extensions(request).get("timeout", {})
        while True:
            connection = await self._acquire(request, timeouts)
            try:
                response = await connection.http.handle_async_request(request)
            except httpcore.ConnectionNotAvailable:
                # Taken for idle, but the connection was no longer usable: another one.
                await self._release(connection)
                continue
            except BaseException:
                await self._release(connection)
                raise
            break
        assert isinstance(response.stream, AsyncIterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_PooledBody(response.stream, connection, self),
            extensions=extensions(response),
        )

    async def _acquire(
        self, request: httpcore.Request, timeouts: dict[str, float | None]
    ) -> _Connection:
        """An idle connection to the request's origin, else a new one, else the first
        freed (within the pool timeout)."""
        url = request.url
        key = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        deadline: float | None = None
        while True:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                self._idle_count -= 1
                if connection.reusable():
                    return connection
                await self._discard(connection)
            if len(self._open) + self._opening < self._max_connections:
                return await self._connect(request, timeouts)
            if self._idle_count:
                # All slots taken, some by idle connections to other origins: free one.
                await self._discard(self._pop_other_idle())
                continue
            pool_timeout = timeouts.get("pool")
            loop = asyncio.get_running_loop()
            if pool_timeout is not None and deadline is None:
                deadline = loop.time() + pool_timeout
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                if deadline is None:
                    await waiter
                else:
                    await asyncio.wait_for(waiter, max(deadline - loop.time(), 0))
            except BaseException as exc:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken, but leaving: the next waiter looks instead
                else:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                if isinstance(exc, TimeoutError):
                    raise httpcore.PoolTimeout("timed out waiting for a connection") from None
                raise

    def _pop_other_idle(self) -> _Connection:
        for key, idle in self._idle.items():
            if idle:
                self._idle_count -= 1
                connection = idle.pop(0)
                if not idle:
                    del self._idle[key]
                return connection
        raise AssertionError("no idle connection")  # pragma: no cover

    async def _connect(
        self, request: httpcore.Request, timeouts: dict[str, float | None]
    ) -> _Connection:
        """A new connection to the request's origin, TLS when https (as httpcore connects)."""
        origin = request.url.origin
        timeout = timeouts.get("connect")
        self._opening += 1
        try:
            stream = await self._backend.connect_tcp(
                host=origin.host.decode("ascii"), port=origin.port, timeout=timeout
            )
            if origin.scheme == b"https":
                self._ssl_context.set_alpn_protocols(["http/1.1"])
                sni: str | None = extensions(request).get("sni_hostname")
                try:
                    stream = await stream.start_tls(
                        ssl_context=self._ssl_context,
                        server_hostname=sni or origin.host.decode("ascii"),
                        timeout=timeout,
                    )
                except BaseException:
                    await stream.aclose()
                    raise
        except BaseException:
            self._opening -= 1
            self._wake()
            raise
        self._opening -= 1
        connection = _Connection(origin, stream, self._keepalive)
        self._open.add(connection)
        return connection

    async def _release(self, connection: _Connection) -> None:
        """Take back a connection whose exchange is over: kept idle, or closed."""
        if connection not in self._open:
            return  # the pool was closed meanwhile
        http = connection.http
        if http.is_idle() and self._idle_count < self._max_keepalive:
            self._idle.setdefault(connection.key, []).append(connection)
            self._idle_count += 1
            self._wake()
        else:
            await self._discard(connection)

    async def _discard(self, connection: _Connection) -> None:
        """Close a connection and free its slot."""
        self._open.discard(connection)
        self._wake()
        await connection.http.aclose()

    def _wake(self) -> None:
        """Let the first request waiting for a slot look again."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    # ------------------------------------------------------------------ closing

    async def aclose(self) -> None:
        """Close every connection, idle or not."""
        connections = list(self._open)
        self._open.clear()
        self._idle.clear()
        self._idle_count = 0
        for connection in connections:
            await connection.http.aclose()
        while self._waiters:
            self._wake()


class _PooledBody:
    """An answer's body: hands its connection back to the pool once closed."""

    def __init__(
        self, stream: AsyncIterable[bytes], connection: _Connection, pool: LeanConnectionPool
    ) -> None:
        self._stream = stream
        self._connection = connection
        self._pool = pool
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            await self._pool._release(self._connection)  # pyright: ignore[reportPrivateUsage]


class _ResponseStream(httpx.AsyncByteStream):
    """httpcore's body as httpx reads it, with httpcore's errors raised as httpx's."""

    def __init__(self, stream: _PooledBody) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with mapped_exceptions():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        with mapped_exceptions():
            await self._stream.aclose()


class LeanAsyncTransport(httpx.AsyncBaseTransport):
    """`httpx.AsyncHTTPTransport(verify=verify)` without a proxy, on `LeanConnectionPool`.

    Args:
        verify: As httpx's `verify`: a bool, a CA bundle path or an `ssl.SSLContext`.
        limits: As httpx's `limits`; httpx's default.
    """

    def __init__(
        self,
        verify: ssl.SSLContext | str | bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=True)
        self._pool = LeanConnectionPool(ssl_context, limits or DEFAULT_LIMITS)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        with mapped_exceptions():
            response = await self._pool.handle_async_request(core_request(request))
        assert isinstance(response.stream, _PooledBody)
        return httpx_response(response, _ResponseStream(response.stream))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        with mapped_exceptions():
            await self._pool.aclose()


def make_async_client(timeout: httpx.Timeout, verify: bool | str) -> httpx.AsyncClient:
    """The pool `AsyncKili` creates: as ``httpx.AsyncClient(timeout=..., verify=...)``,
    on `LeanAsyncTransport` unless the environment names a proxy."""
    if env_proxies():
        return httpx.AsyncClient(timeout=timeout, verify=verify)
    return httpx.AsyncClient(timeout=timeout, transport=LeanAsyncTransport(verify=verify))
