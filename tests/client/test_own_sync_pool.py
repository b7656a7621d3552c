"""The connection pool `Kili` creates itself (kili_typed._transport), over real sockets.

The sync twin of ``test_own_pool.py``: each failure is compared with what the same
call raises through a plain `httpx.Client` (the pool `Kili` used before), and the
pool is checked under several page threads at once.
"""

from __future__ import annotations

import contextlib
import socket
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from kili_typed import ClientClosedError, Kili, KiliConnectionError, KiliError, KiliTimeoutError
from kili_typed._transport import LeanTransport
from kili_typed_server import LocalServer

from .faults import HANG_TIMEOUT, Fault, FaultProxy
from .test_own_pool import certificate, counting_server, tls_front

__all__ = ["certificate"]  # a fixture, used by name

Call = Callable[[Kili], object]


def count(kili: Kili) -> object:
    return kili.count_users()


def error_of(call: Call, **options: Any) -> KiliError:
    """What `call` raises on a `Kili` made with `options`."""
    with Kili(**options) as kili:
        try:
            call(kili)
        except KiliError as error:
            return error
    raise AssertionError("the call was expected to fail")


def both_errors(call: Call, **options: Any) -> tuple[KiliError, KiliError]:
    """What `call` raises through the client's own pool, then through httpx's."""
    own = error_of(call, **options)
    with httpx.Client() as http:
        borrowed = error_of(call, http_client=http, **options)
    return own, borrowed


def same(own: KiliError, borrowed: KiliError) -> None:
    assert type(own) is type(borrowed)
    assert str(own) == str(borrowed)
    assert getattr(own, "request_sent", None) == getattr(borrowed, "request_sent", None)


def test_a_listing_through_the_own_pool_is_the_listing_through_httpx(
    listing_server: LocalServer,
) -> None:
    options: dict[str, Any] = {
        "api_key": listing_server.api_key,
        "api_endpoint": listing_server.endpoint,
        "max_concurrent_pages": 3,
    }
    with Kili(**options) as kili:
        own = kili.users(fields=["email", "id"], first=230, skip=5)
        counted = kili.count_users()
        again = list(kili.users(fields=["email", "id"], first=230, skip=5, as_generator=True))
    with httpx.Client() as http, Kili(http_client=http, **options) as kili:
        borrowed = kili.users(fields=["email", "id"], first=230, skip=5)
    assert len(own) == 230
    assert own == borrowed == again
    assert counted == 250


def test_refused_connection(refused_endpoint: str) -> None:
    own, borrowed = both_errors(count, api_key="k", api_endpoint=refused_endpoint, max_retries=0)
    assert isinstance(own, KiliConnectionError)
    assert not own.request_sent
    same(own, borrowed)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("read timeout", "hang"),
        Fault("reset", "reset"),
        Fault("closed without answer", "close"),
        Fault("truncated body", "truncate", after=True),
    ],
    ids=lambda fault: fault.name,
)
def test_failures_are_the_errors_httpx_gives(local_server: LocalServer, fault: Fault) -> None:
    proxy = FaultProxy(local_server)
    try:
        proxy.inject("countUsers", fault, fault)
        own, borrowed = both_errors(
            count,
            api_key=local_server.api_key,
            api_endpoint=proxy.endpoint,
            timeout=HANG_TIMEOUT,
            max_retries=0,
        )
    finally:
        proxy.close()
    assert isinstance(own, KiliTimeoutError if fault.action == "hang" else KiliConnectionError)
    same(own, borrowed)


@pytest.fixture
def full_listener() -> Iterator[str]:
    """An endpoint whose listener's backlog is full: connecting to it hangs."""
    with socket.socket() as listener, socket.socket() as queued:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued.connect(("127.0.0.1", port))  # the one connection the backlog holds
        yield f"http://127.0.0.1:{port}/api/label/v2/graphql"


def test_connect_timeout(full_listener: str) -> None:
    own, borrowed = both_errors(
        count,
        api_key="k",
        api_endpoint=full_listener,
        timeout=httpx.Timeout(5, connect=0.1),
        max_retries=0,
    )
    assert isinstance(own, KiliTimeoutError)
    assert not own.request_sent
    same(own, borrowed)


def test_a_closed_client_refuses_calls(listing_server: LocalServer) -> None:
    kili = Kili(api_key=listing_server.api_key, api_endpoint=listing_server.endpoint)
    assert len(kili.users(fields=["id"])) == 250
    kili.close()
    with pytest.raises(ClientClosedError):
        kili.count_users()


# ------------------------------------------------------------------- the pool itself


def test_threads_share_at_most_max_connections_and_closing_closes_them_all() -> None:
    with counting_server() as (url, open_now, most):
        transport = LeanTransport(limits=httpx.Limits(max_connections=3))
        with httpx.Client(transport=transport) as http, ThreadPoolExecutor(8) as threads:
            texts = list(threads.map(lambda _: http.get(url).text, range(40)))
            assert texts == ["ok"] * 40
            assert most[0] == 3
        # The server sees each connection end (a bound, not a delay).
        for _ in range(500):
            if open_now[0] == 0:
                break
            time.sleep(0.01)
        assert open_now[0] == 0


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    with (
        counting_server(close_after_answer=True) as (url, _, _),
        httpx.Client(transport=LeanTransport()) as http,
    ):
        texts = [http.get(url).text]
        for _ in range(3):
            time.sleep(0.1)
            texts.append(http.get(url).text)
    assert texts == ["ok"] * 4


def test_a_request_waiting_for_a_connection_times_out_as_httpx_says() -> None:
    with counting_server() as (url, _, _):
        transport = LeanTransport(limits=httpx.Limits(max_connections=1))
        with httpx.Client(transport=transport) as http:
            with http.stream("GET", url), pytest.raises(httpx.PoolTimeout):
                http.get(url, timeout=httpx.Timeout(1, pool=0.05))
            # The connection held by the stream is free again.
            assert http.get(url).text == "ok"


# ------------------------------------------------------------------- TLS and proxies


@contextlib.contextmanager
def tls_endpoint(server: LocalServer, cert: Path, key: Path) -> Iterator[str]:
    """`tls_front` on an event loop of its own thread, for the sync client."""
    import asyncio
    import threading

    loop = asyncio.new_event_loop()
    front = tls_front(server, cert, key)
    endpoint = loop.run_until_complete(front.__aenter__())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        asyncio.run_coroutine_threadsafe(front.__aexit__(None, None, None), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_tls_with_the_servers_certificate_as_ca_bundle(
    listing_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    with tls_endpoint(listing_server, cert, key) as endpoint, warnings.catch_warnings():
        # httpx 0.28 deprecates a path as `verify`; Kili's own `verify` still takes one.
        warnings.simplefilter("ignore", DeprecationWarning)
        with Kili(api_key=listing_server.api_key, api_endpoint=endpoint, verify=str(cert)) as kili:
            assert kili.count_users() == 250
            assert len(kili.users(fields=["id"], first=120)) == 120


def test_tls_with_an_unknown_certificate_fails_as_through_httpx(
    listing_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    with tls_endpoint(listing_server, cert, key) as endpoint:
        own, borrowed = both_errors(
            count, api_key=listing_server.api_key, api_endpoint=endpoint, max_retries=0
        )
    assert isinstance(own, KiliConnectionError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(own)
    same(own, borrowed)


def test_a_proxy_in_the_environment_is_used_as_before(
    listing_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a proxy set in the environment, the client sends through httpx's own pool,
    which routes through it (only the request's arrival there is checked)."""
    proxy = FaultProxy(listing_server)
    try:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        with (
            Kili(
                api_key=listing_server.api_key, api_endpoint=listing_server.endpoint, max_retries=0
            ) as kili,
            contextlib.suppress(KiliError),
        ):
            kili.count_users()
        assert proxy.received_count("countUsers") == 1
    finally:
        proxy.close()
