"""Where and how a client connects: API key, endpoint, headers, timeouts.

Both facades build their connection from here, so they read the same
environment variables, send the same headers and fail the same way.
"""

from __future__ import annotations

import ipaddress
import os
import warnings
from typing import TypeVar

import httpx

from ._constants import (
    API_ENDPOINT_ENV,
    API_KEY_ENV,
    AUTH_HEADER,
    AUTH_PREFIX,
    CLIENT_NAME,
    DEFAULT_API_ENDPOINT,
    DEFAULT_CONNECT_TIMEOUT,
)
from ._version import __version__
from .errors import ConfigurationError, InsecureEndpointWarning


def resolve_api_key(api_key: object) -> str:
    """The key given, else ``KILI_API_KEY``; a clear error when there is none."""
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(
            f"Kili() argument 'api_key' must be str or None, not {type(api_key).__name__}"
        )
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not key or not key.strip():
        raise ConfigurationError(
            f"no Kili API key: pass Kili(api_key=...) or set the {API_KEY_ENV} "
            "environment variable (create a key in Kili's web app, or with "
            "'kili-typed keys create' for the local server)"
        )
    return key.strip()


def resolve_endpoint(api_endpoint: object) -> str:
    """The endpoint given, else ``KILI_API_ENDPOINT``, else Kili's cloud."""
    if api_endpoint is not None and not isinstance(api_endpoint, str):
        raise TypeError(
            f"Kili() argument 'api_endpoint' must be str or None, not {type(api_endpoint).__name__}"
        )
    endpoint = api_endpoint or os.environ.get(API_ENDPOINT_ENV) or DEFAULT_API_ENDPOINT
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"Kili API endpoint must be an http:// or https:// URL, got {endpoint!r}"
        )
    host = httpx.URL(endpoint).host
    if endpoint.startswith("http://") and not _is_loopback(host):
        warnings.warn(
            f"the Kili endpoint {endpoint!r} is plain http:// on another machine: the API "
            "key will cross the network unencrypted; use https://",
            InsecureEndpointWarning,
            stacklevel=3,
        )
    return endpoint


def _is_loopback(host: str) -> bool:
    """Whether `host` names this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def request_headers(api_key: str) -> dict[str, str]:
    """The headers of every request: Kili's key header and the client's name."""
    return {
        AUTH_HEADER: AUTH_PREFIX + api_key,
        "apollographql-client-name": CLIENT_NAME,
        "apollographql-client-version": __version__,
    }


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


def check_http_client(
    http_client: object, expected: type[HttpClientT], *, verify: bool | str
) -> HttpClientT:
    """Require a caller's own httpx client of the facade's kind, and no `verify` beside it."""
    if not isinstance(http_client, expected):
        raise TypeError(
            f"http_client must be an httpx.{expected.__name__} or None, "
            f"not {type(http_client).__name__}"
        )
    if verify is not True:
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
