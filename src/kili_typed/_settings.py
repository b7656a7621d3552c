"""How a client connects: headers, timeouts, the caller's own httpx client.

Both facades build their connection from here, so they send the same headers and
fail the same way. Where the key, the endpoint and the other settings come from
(arguments, environment, ``kili-sdk-config.json``) is `kili_typed._config`.
"""

from __future__ import annotations

from typing import TypeVar

import httpx

from ._constants import AUTH_HEADER, AUTH_PREFIX, CLIENT_NAME, DEFAULT_CONNECT_TIMEOUT
from ._redaction import hide
from ._version import __version__


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


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


def check_http_client(
    http_client: object, expected: type[HttpClientT], *, verify: bool | str | None
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
    """An `httpx.Timeout` from seconds to wait for a read (connecting gets its own default)."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return httpx.Timeout(timeout, connect=DEFAULT_CONNECT_TIMEOUT)


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
