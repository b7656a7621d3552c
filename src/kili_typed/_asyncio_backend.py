"""A network backend for httpcore straight on asyncio's transports and protocols.

httpcore's own backend for asyncio goes through anyio: each read and write enters
a cancel scope and asks sniffio which event loop runs, and the pool's check of every
idle connection at every request (``is_readable``) builds anyio's dict of socket
attributes and polls the socket. Here a read waits on one future, a timeout is one
``call_later``, and ``is_readable`` is what the protocol was told
(``data_received``, ``eof_received``, ``connection_lost``), with no system call. (The
pool of `kili_typed._async_transport` still polls the socket of the one idle
connection it takes, for a close the event loop has not read yet.)

Only the public interface of httpcore (`httpcore.AsyncNetworkBackend`,
`httpcore.AsyncNetworkStream`) and of asyncio is used. Errors are raised as
httpcore's own (`ConnectError`, `ReadTimeout`...) where its anyio backend raises
them, with the same text (often none), so httpx maps them to the same exceptions
and a `KiliError` says the same thing whichever pool sent the request.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, cast

import httpcore

# What anyio says when connecting failed (name resolution aside), hence httpx's message.
_CONNECT_FAILED = "All connection attempts failed"
# anyio's delay before trying the next address of a host (RFC 8305), kept for parity.
_HAPPY_EYEBALLS_DELAY = 0.25
# Stop reading from the socket while this much is received and not yet read.
_HIGH_WATER = 256 * 1024

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class _StreamProtocol(asyncio.Protocol):
    """Receives a connection's bytes and events; one reader and one writer at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._reading_paused = False
        self.eof = False
        self.lost = False
        self.error: BaseException | None = None
        self._read_waiter: asyncio.Future[bool] | None = None
        self._write_paused = False
        self._drain_waiter: asyncio.Future[bool] | None = None

    # ------------------------------------------------------------- asyncio's calls

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._buffered += len(data)
        if self._buffered > _HIGH_WATER and not self._reading_paused and self.transport:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        # False: the transport closes itself; nothing is written after the server's EOF.
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.error = exc
        self._wake_reader()
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    def _wake_reader(self) -> None:
        waiter, self._read_waiter = self._read_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    # ------------------------------------------------------------ the stream's calls

    @property
    def readable(self) -> bool:
        """Whether a read would return at once (bytes, the end, or an error)."""
        return bool(self._chunks) or self.eof or self.lost

    async def wait(self, waiter: asyncio.Future[bool], timeout: float | None) -> bool:
        """Wait for `waiter`; False when `timeout` seconds passed first."""
        if timeout is None:
            return await waiter
        if timeout <= 0:
            return False
        handle = self._loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        finally:
            handle.cancel()

    async def read(self, max_bytes: int, timeout: float | None) -> bytes:
        if not self._chunks and not self.eof and not self.lost:
            waiter = self._loop.create_future()
            self._read_waiter = waiter
            try:
                arrived = await self.wait(waiter, timeout)
            finally:
                if self._read_waiter is waiter:
                    self._read_waiter = None
            if not arrived:
                raise httpcore.ReadTimeout("")
        if self._chunks:
            return self._take(max_bytes)
        if self.error is not None:
            raise httpcore.ReadError("") from self.error
        return b""

    def _take(self, max_bytes: int) -> bytes:
        chunks = self._chunks
        data = chunks.popleft()
        if len(data) > max_bytes:
            chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        else:
            while chunks and len(data) + len(chunks[0]) <= max_bytes:
                data += chunks.popleft()
        self._buffered -= len(data)
        if self._reading_paused and self._buffered <= _HIGH_WATER // 4 and self.transport:
            self._reading_paused = False
            self.transport.resume_reading()
        return data

    async def drain(self, timeout: float | None) -> None:
        if not self._write_paused or self.lost:
            return
        waiter = self._loop.create_future()
        self._drain_waiter = waiter
        if not await self.wait(waiter, timeout):
            raise httpcore.WriteTimeout("")


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


def _eof(exc: ssl.SSLError) -> bool:
    """Whether a TLS error is the connection ending (as anyio tells them apart)."""
    return isinstance(exc, ssl.SSLEOFError | ssl.SSLSyscallError) or bool(
        exc.strerror and "UNEXPECTED_EOF_WHILE_READING" in exc.strerror
    )


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection (plain, or TLS once `start_tls` returned)."""

    def __init__(self, transport: asyncio.Transport, protocol: _StreamProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._protocol.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.lost or self._transport.is_closing():
            raise httpcore.WriteError("") from protocol.error
        try:
            self._transport.write(buffer)
        except (OSError, RuntimeError) as exc:
            raise httpcore.WriteError("") from exc
        await protocol.drain(timeout)
        if protocol.error is not None:
            raise httpcore.WriteError("") from protocol.error

    async def aclose(self) -> None:
        # close() sends what is still buffered, then closes; nothing is awaited, so a
        # cancelled task still closes its connection.
        if self._protocol.lost:
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await asyncio.wait_for(
                loop.start_tls(
                    self._transport,
                    self._protocol,
                    ssl_context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=None,
                ),
                timeout,
            )
        except (asyncio.TimeoutError, TimeoutError) as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("") from exc
        except OSError as exc:  # ssl.SSLError included
            self._transport.abort()
            # As anyio: the handshake's own failure (a certificate refused...) is told; the
            # connection lost, or closed by the server, is not.
            told = isinstance(exc, ssl.SSLError) and not _eof(exc)
            raise httpcore.ConnectError(str(exc) if told else "") from exc
        if transport is None:  # pragma: no cover - only when the connection was lost
            self._transport.abort()
            raise httpcore.ConnectError("")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._protocol.readable
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens `AsyncioStream` connections on the running asyncio loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        protocol = _StreamProtocol(loop)
        local = None if local_address is None else (local_address, 0)
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_connection(
                    lambda: protocol,
                    host,
                    port,
                    local_addr=local,
                    happy_eyeballs_delay=_HAPPY_EYEBALLS_DELAY,
                ),
                timeout,
            )
        except (asyncio.TimeoutError, TimeoutError) as exc:
            raise httpcore.ConnectTimeout("") from exc
        except socket.gaierror as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(_CONNECT_FAILED) from exc
        return _opened(transport, protocol, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        protocol = _StreamProtocol(loop)
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_unix_connection(lambda: protocol, path), timeout
            )
        except (asyncio.TimeoutError, TimeoutError) as exc:
            raise httpcore.ConnectTimeout("") from exc
        except OSError as exc:
            raise httpcore.ConnectError(_CONNECT_FAILED) from exc
        return _opened(transport, protocol, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _opened(
    transport: asyncio.BaseTransport,
    protocol: _StreamProtocol,
    socket_options: Iterable[SocketOption] | None,
) -> AsyncioStream:
    assert isinstance(transport, asyncio.Transport)
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        # Typed as a union of tuples, which a star call cannot check.
        setsockopt = cast(Callable[..., None], sock.setsockopt)
        for option in socket_options or ():
            setsockopt(*option)
    return AsyncioStream(transport, protocol)
