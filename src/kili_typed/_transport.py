"""The bounds of one attempt, at httpx's seam: a transport wrapper.

Each request of a facade carries the `BOUNDS` extension (the largest answer it
accepts). The wrapped transport then reads that request's answer whole, within two
bounds, before httpx sees it:

- its size, counted once inflated (an endless body, or a small gzip body that inflates
  to gigabytes, stops as soon as the bound is crossed: `kili_typed._bounds`);
- its time: the request's read timeout covers the attempt as a whole, from the pool's
  connection to the last byte of the answer. httpx's own timeouts bound each network
  operation, so a server that sends its answer one byte a second would otherwise keep a
  request alive for ever.

A request without the extension (a caller's own, through the same `http_client`)
passes through untouched.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator
from contextvars import ContextVar
from typing import Any

import httpx

from ._bounds import AnswerReading

#: The request extension that asks for the bounds: the largest answer, in bytes.
BOUNDS = "kili_typed.max_answer_bytes"
#: Headers that describe the body as sent, not the body the wrapper hands on.
_SENT_FORM = ("content-encoding", "content-length", "transfer-encoding")


def bounds(max_answer_bytes: int) -> dict[str, Any]:
    """The request extensions that bound an attempt (its time is its read timeout)."""
    return {BOUNDS: max_answer_bytes}


def _budget(request: httpx.Request) -> float | None:
    """The seconds the attempt may take as a whole: the request's read timeout."""
    timeout: dict[str, float | None] = request.extensions.get("timeout", {})
    return timeout.get("read")


def _too_long(budget: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"the answer took longer than {budget:g}s in all")


def _read(response: httpx.Response, body: bytes) -> httpx.Response:
    """The answer as httpx hands it on: `body`, already read and inflated."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _SENT_FORM]
    return httpx.Response(
        response.status_code, headers=headers, content=body, extensions=response.extensions
    )


class AsyncBoundedTransport(httpx.AsyncBaseTransport):
    """`AsyncKili`'s transport: each bounded attempt is cancelled at its deadline
    wherever it waits (anyio's `fail_after`, which httpcore's pool is written to survive).

    Args:
        inner: The transport that sends the requests.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        max_bytes: int | None = request.extensions.get(BOUNDS)
        if max_bytes is None:
            return await self.inner.handle_async_request(request)
        import anyio

        budget = _budget(request)
        try:
            with anyio.fail_after(budget):
                response = await self.inner.handle_async_request(request)
                reading = AnswerReading(max_bytes)
                try:
                    reading.check_length(response.headers.get("content-length"))
                    async for chunk in response.aiter_bytes():
                        reading.add(chunk)
                finally:
                    await response.aclose()
        except TimeoutError:
            if budget is None:  # not the deadline's: there is none
                raise
            raise _too_long(budget) from None
        return _read(response, reading.body())

    async def aclose(self) -> None:
        await self.inner.aclose()


class BoundedTransport(httpx.BaseTransport):
    """`Kili`'s transport: each bounded attempt ends at its deadline.

    A thread cannot be cancelled (httpx's maintainers: no total timeout for sync code),
    so each read and write of the connection's stream waits at most until the deadline:
    httpcore's ``trace`` extension hands over each stream it opens (`_bound_streams`),
    and the stream keeps its bound for every later request that reuses it.

    Args:
        inner: The transport that sends the requests.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        max_bytes: int | None = request.extensions.get(BOUNDS)
        if max_bytes is None:
            return self.inner.handle_request(request)
        request.extensions = {**request.extensions, "trace": _bound_streams}
        with _deadline(_budget(request)):
            response = self.inner.handle_request(request)
            reading = AnswerReading(max_bytes)
            try:
                reading.check_length(response.headers.get("content-length"))
                for chunk in response.iter_bytes():
                    reading.add(chunk)
            finally:
                response.close()
        return _read(response, reading.body())

    def close(self) -> None:
        self.inner.close()


# ----------------------------------------------------- the sync deadline, per stream

#: The deadline of the attempt running in this thread: when, and its budget.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("kili_typed_deadline", default=None)


@contextlib.contextmanager
def _deadline(budget: float | None) -> Generator[None, None, None]:
    token = _DEADLINE.set(None if budget is None else (time.monotonic() + budget, budget))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _time_left(timeout: float | None) -> float | None:
    """The wait allowed to one network operation: its own timeout, or less before the
    deadline of the attempt running in this thread."""
    bound = _DEADLINE.get()
    if bound is None:
        return timeout
    left = bound[0] - time.monotonic()
    if left <= 0:
        raise _too_long(bound[1])
    return left if timeout is None or left < timeout else timeout


def _by_deadline(operation: Callable[[Any, float | None], Any]) -> Callable[..., Any]:
    """A stream's `read` or `write`, waiting at most until the attempt's deadline."""

    def bounded(argument: Any, timeout: float | None = None) -> Any:
        try:
            return operation(argument, _time_left(timeout))
        except Exception:
            _time_left(None)  # the attempt's timeout, if the deadline is what cut it short
            raise

    return bounded


def _bound_streams(event: str, info: dict[str, Any]) -> None:
    """httpcore's ``trace`` callback: each stream it connects (or wraps in TLS) is bound."""
    if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
        stream = info["return_value"]
        stream.read = _by_deadline(stream.read)
        stream.write = _by_deadline(stream.write)


# ----------------------------------------------------- wrapping a client's transports


def bound_transports(http: httpx.Client | httpx.AsyncClient) -> None:
    """Wrap every transport of `http` (its own, and those mounted for proxies) once.

    httpx offers no public way to wrap the transports a client already holds (those it
    mounts for the environment's proxies included), hence its two private attributes.
    Requests without the `BOUNDS` extension go through the wrappers untouched.
    """
    wrapper = AsyncBoundedTransport if isinstance(http, httpx.AsyncClient) else BoundedTransport

    def wrapped(transport: Any) -> Any:
        # A transport may be both sync and async (httpx.MockTransport): the client decides.
        return transport if isinstance(transport, wrapper) else wrapper(transport)

    client: Any = http
    client._transport = wrapped(client._transport)
    client._mounts = {
        pattern: None if transport is None else wrapped(transport)
        for pattern, transport in client._mounts.items()
    }
