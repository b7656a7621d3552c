"""What the two lean transports share (`kili_typed._async_transport`, `kili_typed._transport`).

httpx's own transports route each request through httpcore's connection pool; the
facades' own pools replace that pool by a smaller one, and keep what a caller can
see the same: httpx's default limits, its mapping of httpcore's errors, and httpx's
own pool whenever the environment names a proxy.
"""

from __future__ import annotations

import contextlib
import sys
import urllib.request
from collections.abc import Generator
from typing import Any, cast

import httpcore
import httpx

#: httpx's default limits (``httpx.AsyncClient()`` and ``httpx.Client()``).
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

#: The port of each scheme's URL that names none.
DEFAULT_PORTS = {b"http": 80, b"https": 443}

# httpcore's exceptions and httpx's, in the order httpx maps them (the most specific wins).
EXCEPTIONS: dict[type[Exception], type[httpx.HTTPError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}


@contextlib.contextmanager
def mapped_exceptions() -> Generator[None, None, None]:
    """httpcore's exceptions raised as httpx's, as httpx's transports do."""
    try:
        yield
    except Exception as exc:
        mapped: type[httpx.HTTPError] | None = None
        for source, target in EXCEPTIONS.items():
            if isinstance(exc, source) and (mapped is None or issubclass(target, mapped)):
                mapped = target
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


def env_proxies() -> bool:
    """Whether the environment names a proxy that an httpx client would use."""
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def pool_bounds(limits: httpx.Limits) -> tuple[int, int]:
    """The most connections open, and kept idle, under `limits` (None: no bound), as
    httpcore's pool reads them."""
    most = sys.maxsize if limits.max_connections is None else limits.max_connections
    kept = limits.max_keepalive_connections
    return most, min(most, sys.maxsize if kept is None else kept)


def extensions(message: httpcore.Request | httpcore.Response) -> dict[str, Any]:
    """A request's or response's extensions (a dict; httpcore leaves them untyped)."""
    return cast(dict[str, Any], message.extensions)  # pyright: ignore[reportUnknownMemberType]


def check_scheme(request: httpcore.Request) -> None:
    """Refuse a URL without http or https, with httpcore's own errors and messages."""
    scheme = request.url.scheme
    if scheme == b"":
        raise httpcore.UnsupportedProtocol(
            "Request URL is missing an 'http://' or 'https://' protocol."
        )
    if scheme not in (b"http", b"https"):
        raise httpcore.UnsupportedProtocol(
            f"Request URL has an unsupported protocol '{scheme.decode()}://'."
        )


def core_request(request: httpx.Request) -> httpcore.Request:
    """httpx's request as httpcore's, as httpx's transports translate it."""
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(
            scheme=request.url.raw_scheme,
            host=request.url.raw_host,
            port=request.url.port,
            target=request.url.raw_path,
        ),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


def httpx_response(
    response: httpcore.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
) -> httpx.Response:
    """httpcore's response as httpx's, its body read through `stream`."""
    return httpx.Response(
        status_code=response.status,
        headers=response.headers,
        stream=stream,
        extensions=extensions(response),
    )
