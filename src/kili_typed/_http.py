"""How a client connects: headers, timeouts, TLS, the pool it creates, and the caller's
own httpx client.

Both facades build their connection from here, so they send the same headers and
fail the same way. The pool is httpx's own (`httpx.Client` / `httpx.AsyncClient`, with
httpx's default limits and proxies from the environment), its transports wrapped so
that each attempt is bounded in time and size (`kili_typed._transport`). Where the key, the endpoint
and the other settings come from (arguments, environment, ``kili-sdk-config.json``) is
`kili_typed._config`.
"""

from __future__ import annotations

import os
import ssl
from typing import TypeVar

import httpx

from ._constants import AUTH_HEADER, AUTH_PREFIX, CLIENT_NAME, DEFAULT_CONNECT_TIMEOUT
from ._redaction import hide
from ._transport import bound_transports
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
    http = httpx.Client(timeout=timeout, verify=tls(verify))
    bound_transports(http)
    return http


def make_async_client(timeout: httpx.Timeout, verify: Verify) -> httpx.AsyncClient:
    """The pool `AsyncKili` creates: httpx's own, proxies from the environment included."""
    http = httpx.AsyncClient(timeout=timeout, verify=tls(verify))
    bound_transports(http)
    return http


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


def check_http_client(
    http_client: object, expected: type[HttpClientT], *, verify: object
) -> HttpClientT:
    """Require a caller's own httpx client of the facade's kind, and no `verify` beside it.

    Its transports are wrapped (`kili_typed._transport.bound_transports`) so that the
    facade's requests are bounded; the caller's own requests go through unchanged.
    """
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
    bound_transports(http_client)
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
