"""How a client connects: headers, timeouts, TLS, the pool it creates, the deadline of an
attempt, and the caller's own httpx client.

Both facades build their connection from here, so they send the same headers and
fail the same way. The pool is httpx's own (`httpx.Client` / `httpx.AsyncClient`, with
httpx's default limits and proxies from the environment). Where the key, the endpoint
and the other settings come from (arguments, environment, ``kili-sdk-config.json``) is
`kili_typed._config`.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import time
from collections.abc import Callable, Generator
from contextvars import ContextVar
from typing import Any, TypeVar

import httpx

from ._constants import AUTH_HEADER, AUTH_PREFIX, CLIENT_NAME, DEFAULT_CONNECT_TIMEOUT
from ._redaction import hide
from ._version import __version__

#: What `verify` may be: a bool, the path of a CA bundle (a file or a directory), or an
#: `ssl.SSLContext`.
Verify = bool | str | ssl.SSLContext


class RequestHeaders(dict[str, str]):
    """Headers holding the API key, whose ``repr`` never shows it.

    A client keeps them for every request; a debugger, ``vars(kili)`` or a traceback
    printer that shows attributes and locals shows ``<redacted>`` for the key's header.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: "<redacted>" if k == AUTH_HEADER else v for k, v in self.items()}
        return f"RequestHeaders({shown!r})"


def request_headers(api_key: str) -> RequestHeaders:
    """The headers of every request: Kili's key header and the client's name."""
    return RequestHeaders(
        {
            AUTH_HEADER: hide(AUTH_PREFIX + api_key),
            "apollographql-client-name": CLIENT_NAME,
            "apollographql-client-version": __version__,
        }
    )


def tls(verify: Verify) -> bool | ssl.SSLContext:
    """`verify` as httpx takes it without a `DeprecationWarning`: a CA bundle's path
    becomes an `ssl.SSLContext` that trusts that bundle (httpx 0.28 deprecates paths).

    Raises:
        FileNotFoundError: No CA bundle at that path.
    """
    if not isinstance(verify, str):
        return verify
    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def make_client(timeout: httpx.Timeout, verify: Verify) -> httpx.Client:
    """The pool `Kili` creates: httpx's own, proxies from the environment included."""
    return httpx.Client(timeout=timeout, verify=tls(verify))


def make_async_client(timeout: httpx.Timeout, verify: Verify) -> httpx.AsyncClient:
    """The pool `AsyncKili` creates: httpx's own, proxies from the environment included."""
    return httpx.AsyncClient(timeout=timeout, verify=tls(verify))


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


def check_http_client(
    http_client: object, expected: type[HttpClientT], *, verify: object
) -> HttpClientT:
    """Require a caller's own httpx client of the facade's kind, and no `verify` beside it."""
    if not isinstance(http_client, expected):
        raise TypeError(
            f"http_client must be an httpx.{expected.__name__} or None, "
            f"not {type(http_client).__name__}"
        )
    if verify is not None:
        raise ValueError(
            "verify applies to the connection pool the client creates; with http_client, "
            f"configure verification on your httpx.{expected.__name__} instead"
        )
    return http_client


def make_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    """An `httpx.Timeout` from the seconds one attempt may take (connecting gets at most
    its own default of them)."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return httpx.Timeout(timeout, connect=min(timeout, DEFAULT_CONNECT_TIMEOUT))


def check_concurrency(value: object) -> int:
    """Require a positive number of pages in flight."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_concurrent_pages must be an int of 1 or more, got {value!r}")
    return value


def check_max_answer_bytes(value: object) -> int:
    """Require a positive number of bytes."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_answer_bytes must be an int of 1 or more, got {value!r}")
    return value


# ------------------------------------------------------------- the deadline of an attempt
#
# httpx's timeouts bound each network operation, not an exchange: a server that sends
# its headers or its body one byte a second keeps a request alive for ever. One attempt
# of a facade is bounded as a whole, from the pool's connection to the last byte of the
# answer, by `timeout.read` seconds.


def _too_long(budget: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"the answer took longer than {budget:g}s in all")


@contextlib.contextmanager
def async_deadline(budget: float | None) -> Generator[dict[str, Any], None, None]:
    """`AsyncKili`'s attempt, cancelled at its deadline wherever it waits (anyio's
    `fail_after`, which httpcore's pool is written to survive).

    Yields:
        The request extensions that go with it (none).

    Raises:
        httpx.ReadTimeout: The attempt took longer than `budget` seconds.
    """
    import anyio

    try:
        with anyio.fail_after(budget):
            yield {}
    except TimeoutError:
        assert budget is not None
        raise _too_long(budget) from None


#: The deadline of the attempt running in this thread: when, and its budget.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("kili_typed_deadline", default=None)


@contextlib.contextmanager
def deadline(budget: float | None) -> Generator[dict[str, Any], None, None]:
    """`Kili`'s attempt, bounded at its deadline.

    A thread cannot be cancelled (httpx's maintainers: no total timeout for sync code),
    so each read and write of the connection's stream waits at most until the deadline:
    httpcore's ``trace`` extension hands over each stream it opens (`_bound_streams`),
    and the stream keeps its bound for every later request that reuses it.

    Yields:
        The request extensions that bound the streams.

    Raises:
        httpx.ReadTimeout: The attempt took longer than `budget` seconds.
    """
    token = _DEADLINE.set(None if budget is None else (time.monotonic() + budget, budget))
    try:
        yield _SYNC_EXTENSIONS
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


def _bound(stream: Any) -> None:
    """Make `stream` (an httpcore `NetworkStream`) wait at most until the deadline."""
    stream.read = _by_deadline(stream.read)
    stream.write = _by_deadline(stream.write)


def _bound_streams(event: str, info: dict[str, Any]) -> None:
    """httpcore's ``trace`` callback: each stream it connects (or wraps in TLS) is bound."""
    if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
        _bound(info["return_value"])


_SYNC_EXTENSIONS: dict[str, Any] = {"trace": _bound_streams}
