"""The transport of the connection pool `Kili` creates (never of a caller's `http_client`).

The sync twin of `kili_typed._async_transport`, for the same reason: httpcore's
`ConnectionPool` walks all its connections at every request and every answer
closed, polls the socket of each idle one (a system call, and a hand-over of the
GIL between the page threads), and counts idle connections once per idle
connection. This pool keeps idle connections on a stack per origin and checks only
the one it takes, as httpcore checks it. Same settings as httpx's `HTTPTransport`
(httpx's default limits, the same SSL context, HTTP/1.1, no connect retries), same
errors; connections are httpcore's own `HTTP11Connection` on its `SyncBackend`.
The page threads share it: its bookkeeping is done under one lock, never its I/O.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from types import TracebackType

import httpcore
import httpx

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


class _Connection:
    """One pooled HTTP/1.1 connection and what the pool knows of it."""

    __slots__ = ("http", "key")

    def __init__(
        self, origin: httpcore.Origin, stream: httpcore.NetworkStream, keepalive: float | None
    ) -> None:
        self.key = (origin.scheme, origin.host, origin.port)
        self.http = httpcore.HTTP11Connection(
            origin=origin, stream=stream, keepalive_expiry=keepalive
        )

    def reusable(self) -> bool:
        """Idle, within its keep-alive, and not closed by the server meanwhile (httpcore's
        sync stream polls the socket for that)."""
        http = self.http
        return http.is_idle() and not http.has_expired()


class LeanSyncConnectionPool:
    """At most `max_connections` HTTP/1.1 connections, up to `max_keepalive` of them kept idle."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
        backend: httpcore.NetworkBackend | None = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._max_connections, self._max_keepalive = pool_bounds(limits)
        self._keepalive = limits.keepalive_expiry
        self._backend = backend or httpcore.SyncBackend()
        # Idle connections by origin (scheme, host, port; `httpcore.Origin` is not hashable).
        self._idle: dict[tuple[bytes, bytes, int], list[_Connection]] = {}
        self._idle_count = 0
        self._open: set[_Connection] = set()
        self._opening = 0
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)

    # ------------------------------------------------------------------ sending

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        check_scheme(request)
        timeouts: dict[str, float | None] = extensions(request).get("timeout", {})
        while True:
            connection = self._acquire(request, timeouts)
            try:
                response = connection.http.handle_request(request)
            except httpcore.ConnectionNotAvailable:
                # Taken for idle, but the connection was no longer usable: another one.
                self._release(connection)
                continue
            except BaseException:
                self._release(connection)
                raise
            break
        assert isinstance(response.stream, Iterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_PooledBody(response.stream, connection, self),
            extensions=extensions(response),
        )

    def _acquire(self, request: httpcore.Request, timeouts: dict[str, float | None]) -> _Connection:
        """An idle connection to the request's origin, else a new one, else the first
        freed (within the pool timeout)."""
        url = request.url
        key = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        pool_timeout = timeouts.get("pool")
        deadline = None if pool_timeout is None else time.monotonic() + pool_timeout
        while True:
            closing: list[_Connection] = []
            taken: _Connection | None = None
            with self._lock:
                while True:
                    idle = self._idle.get(key)
                    while idle and taken is None:
                        connection = idle.pop()
                        self._idle_count -= 1
                        if connection.reusable():
                            taken = connection
                        else:
                            self._open.discard(connection)
                            closing.append(connection)
                    if taken is not None:
                        break
                    if len(self._open) + self._opening < self._max_connections:
                        self._opening += 1
                        break
                    if self._idle_count:
                        # All slots taken, some by idle connections to other origins.
                        other = self._pop_other_idle()
                        self._open.discard(other)
                        closing.append(other)
                        continue
                    left = None if deadline is None else deadline - time.monotonic()
                    if (left is not None and left <= 0) or not self._freed.wait(left):
                        self._close_all(closing)
                        raise httpcore.PoolTimeout("timed out waiting for a connection")
            self._close_all(closing)
            if taken is not None:
                return taken
            return self._connect(request, timeouts)

    def _pop_other_idle(self) -> _Connection:
        for key, idle in self._idle.items():
            if idle:
                self._idle_count -= 1
                connection = idle.pop(0)
                if not idle:
                    del self._idle[key]
                return connection
        raise AssertionError("no idle connection")  # pragma: no cover

    def _connect(self, request: httpcore.Request, timeouts: dict[str, float | None]) -> _Connection:
        """A new connection to the request's origin (its slot already counted in
        `_opening`), TLS when https, as httpcore connects."""
        origin = request.url.origin
        timeout = timeouts.get("connect")
        try:
            stream = self._backend.connect_tcp(
                host=origin.host.decode("ascii"), port=origin.port, timeout=timeout
            )
            if origin.scheme == b"https":
                self._ssl_context.set_alpn_protocols(["http/1.1"])
                sni: str | None = extensions(request).get("sni_hostname")
                try:
                    stream = stream.start_tls(
                        ssl_context=self._ssl_context,
                        server_hostname=sni or origin.host.decode("ascii"),
                        timeout=timeout,
                    )
                except BaseException:
                    stream.close()
                    raise
        except BaseException:
            with self._lock:
                self._opening -= 1
                self._freed.notify()
            raise
        connection = _Connection(origin, stream, self._keepalive)
        with self._lock:
            self._opening -= 1
            self._open.add(connection)
        return connection

    def _release(self, connection: _Connection) -> None:
        """Take back a connection whose exchange is over: kept idle, or closed."""
        with self._lock:
            if connection not in self._open:
                return  # the pool was closed meanwhile
            if connection.http.is_idle() and self._idle_count < self._max_keepalive:
                self._idle.setdefault(connection.key, []).append(connection)
                self._idle_count += 1
                self._freed.notify()
                return
            self._open.discard(connection)
            self._freed.notify()
        connection.http.close()

    @staticmethod
    def _close_all(connections: list[_Connection]) -> None:
        for connection in connections:
            connection.http.close()

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        """Close every connection, idle or not."""
        with self._lock:
            connections = list(self._open)
            self._open.clear()
            self._idle.clear()
            self._idle_count = 0
            self._freed.notify_all()
        self._close_all(connections)


class _PooledBody:
    """An answer's body: hands its connection back to the pool once closed."""

    def __init__(
        self, stream: Iterable[bytes], connection: _Connection, pool: LeanSyncConnectionPool
    ) -> None:
        self._stream = stream
        self._connection = connection
        self._pool = pool
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()
        finally:
            self._pool._release(self._connection)  # pyright: ignore[reportPrivateUsage]


class _ResponseStream(httpx.SyncByteStream):
    """httpcore's body as httpx reads it, with httpcore's errors raised as httpx's."""

    def __init__(self, stream: _PooledBody) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with mapped_exceptions():
            yield from self._stream

    def close(self) -> None:
        with mapped_exceptions():
            self._stream.close()


class LeanTransport(httpx.BaseTransport):
    """`httpx.HTTPTransport(verify=verify)` without a proxy, on `LeanSyncConnectionPool`.

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
        self._pool = LeanSyncConnectionPool(ssl_context, limits or DEFAULT_LIMITS)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        with mapped_exceptions():
            response = self._pool.handle_request(core_request(request))
        assert isinstance(response.stream, _PooledBody)
        return httpx_response(response, _ResponseStream(response.stream))

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with mapped_exceptions():
            self._pool.close()


def make_client(timeout: httpx.Timeout, verify: bool | str) -> httpx.Client:
    """The pool `Kili` creates: as ``httpx.Client(timeout=..., verify=...)``, on
    `LeanTransport` unless the environment names a proxy."""
    if env_proxies():
        return httpx.Client(timeout=timeout, verify=verify)
    return httpx.Client(timeout=timeout, transport=LeanTransport(verify=verify))
