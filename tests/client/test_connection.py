"""The connection each facade makes: httpx's own pool, over real sockets.

Each failure is compared with what the same call raises through a plain httpx client
of the caller's (`http_client=`); TLS is checked with a CA bundle's path, an
`ssl.SSLContext` and no verification, without a `DeprecationWarning`; a proxy in the
environment is used; and one attempt is bounded as a whole, even when a server drips its
headers one byte at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import AsyncGenerator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kili_typed import (
    AsyncKili,
    ClientClosedError,
    Kili,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
)
from kili_typed_server.cli.runner import ServerThread

from .faults import GENEROUS_TIMEOUT, HANG_TIMEOUT, Fault, FaultProxy

#: One call of the sync interface; on `AsyncKili`, awaited in an event loop of its own.
Call = Callable[[Any], Any]


def count(kili: Any) -> Any:
    return kili.count_users()


def call_on(facade: str, call: Call, **options: Any) -> Any:
    """`call` on a facade made with `options` (its own pool unless `http_client` is given)."""
    if facade == "sync":
        with Kili(**options) as kili:
            return call(kili)

    async def run() -> Any:
        async with AsyncKili(**options) as kili:
            return await call(kili)

    return asyncio.run(run())


def error_of(facade: str, call: Call, **options: Any) -> KiliError:
    """What `call` raises on a facade made with `options`."""
    try:
        call_on(facade, call, **options)
    except KiliError as error:
        return error
    raise AssertionError("the call was expected to fail")


@contextlib.contextmanager
def callers_client(facade: str) -> Iterator[httpx.Client | httpx.AsyncClient]:
    """An httpx client of the caller's, of the facade's kind (`call_on` runs each
    `AsyncKili` on an event loop of its own, which takes the async client's connections
    with it when it ends)."""
    if facade == "sync":
        with httpx.Client() as http:
            yield http
    else:
        yield httpx.AsyncClient()


def both_errors(facade: str, call: Call, **options: Any) -> tuple[KiliError, KiliError]:
    """What `call` raises through the facade's own pool, then through a caller's httpx client."""
    own = error_of(facade, call, **options)
    with callers_client(facade) as http:
        borrowed = error_of(facade, call, http_client=http, **options)
    return own, borrowed


def same(own: KiliError, borrowed: KiliError) -> None:
    assert type(own) is type(borrowed)
    assert str(own) == str(borrowed)
    assert getattr(own, "request_sent", None) == getattr(borrowed, "request_sent", None)


# ------------------------------------------------------------------- answers


def test_a_listing_through_the_own_pool_is_the_listing_through_an_http_client(
    listing_server: ServerThread, facade: str
) -> None:
    options: dict[str, Any] = {
        "api_key": listing_server.api_key,
        "api_endpoint": listing_server.endpoint,
        "max_concurrent_pages": 3,
    }

    def listing(kili: Any) -> Any:
        return kili.users(fields=["email", "id"], first=230, skip=5)

    own = call_on(facade, listing, **options)
    counted = call_on(facade, count, **options)
    with callers_client(facade) as http:
        borrowed = call_on(facade, listing, http_client=http, **options)
    assert len(own) == 230
    assert own == borrowed
    assert counted == 250


def test_the_generated_client_posts_through_the_own_pool(
    listing_server: ServerThread, facade: str
) -> None:
    def generated(kili: Any) -> Any:
        return kili.client.count_users(where={})

    answer = call_on(
        facade, generated, api_key=listing_server.api_key, api_endpoint=listing_server.endpoint
    )
    assert answer.count_users == 250


# ------------------------------------------------------------------- failures


def test_refused_connection(refused_endpoint: str, facade: str) -> None:
    own, borrowed = both_errors(
        facade, count, api_key="k", api_endpoint=refused_endpoint, max_retries=0
    )
    assert isinstance(own, KiliConnectionError)
    assert not own.request_sent
    same(own, borrowed)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("read timeout", "hang"),
        Fault("reset", "reset"),
        Fault("closed without answer", "close"),
        # The proxy itself answers half a body and closes: no server in the way, so the
        # generous deadline below is never what ends it.
        Fault("truncated body", "truncate"),
    ],
    ids=lambda fault: fault.name,
)
def test_failures_are_the_errors_httpx_gives(
    local_server: ServerThread, fault: Fault, facade: str
) -> None:
    proxy = FaultProxy(local_server)
    try:
        proxy.inject("countUsers", fault, fault)
        # Only a request that never gets an answer waits for its deadline; the others
        # get one that a loaded machine meets (0.2 s once gave a timeout for a truncated
        # body).
        options: dict[str, Any] = {
            "api_key": local_server.api_key,
            "api_endpoint": proxy.endpoint,
            "timeout": HANG_TIMEOUT if fault.action == "hang" else GENEROUS_TIMEOUT,
            "max_retries": 0,
        }
        own, borrowed = both_errors(facade, count, **options)
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


def test_connect_timeout(full_listener: str, facade: str) -> None:
    own, borrowed = both_errors(
        facade,
        count,
        api_key="k",
        api_endpoint=full_listener,
        timeout=httpx.Timeout(5, connect=0.1),
        max_retries=0,
    )
    assert isinstance(own, KiliTimeoutError)
    assert not own.request_sent
    same(own, borrowed)


def test_a_closed_client_refuses_calls(listing_server: ServerThread, facade: str) -> None:
    def close_then_count(kili: Any) -> Any:
        if isinstance(kili, AsyncKili):

            async def run() -> None:
                await kili.aclose()
                await kili.count_users()

            return run()
        kili.close()
        return kili.count_users()

    with pytest.raises(ClientClosedError):
        call_on(
            facade,
            close_then_count,
            api_key=listing_server.api_key,
            api_endpoint=listing_server.endpoint,
        )


# ------------------------------------------------------------------- the whole exchange


@contextlib.contextmanager
def header_dripper() -> Iterator[str]:
    """A server that reads a request, then sends its status line and headers one byte
    every 50 ms, never ending them; it stops after 60 s, or when the client goes."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1200
            for byte in head:
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/label/v2/graphql"
    finally:
        stop.set()
        # Closing a listener does not wake a thread blocked in accept(): a connection does.
        with contextlib.suppress(OSError):
            socket.create_connection(listener.getsockname(), timeout=5).close()
        listener.close()
        thread.join(5)


@pytest.mark.timeout(30)
def test_headers_dripped_a_byte_at_a_time_end_at_the_timeout(facade: str) -> None:
    """httpx's read timeout restarts at each byte; the attempt's timeout does not."""
    with header_dripper() as endpoint:
        error = error_of(
            facade,
            count,
            api_key="kt_drip-test-key-0123456789",
            api_endpoint=endpoint,
            timeout=1,
            max_retries=0,
        )
    assert isinstance(error, KiliTimeoutError)
    assert "took longer than 1s in all" in str(error)


@pytest.mark.timeout(30)
def test_headers_dripped_into_a_callers_client_end_at_the_timeout(facade: str) -> None:
    with header_dripper() as endpoint, callers_client(facade) as http:
        error = error_of(
            facade,
            count,
            api_key="k",
            api_endpoint=endpoint,
            timeout=1,
            max_retries=0,
            http_client=http,
        )
    assert isinstance(error, KiliTimeoutError)


# ------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextlib.asynccontextmanager
async def tls_front(server: ServerThread, cert: Path, key: Path) -> AsyncGenerator[str, None]:
    """A TLS-terminating forwarder to `server`; yields the https endpoint."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(server.host, server.port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    front = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = front.sockets[0].getsockname()[1]
    async with front:
        yield f"https://localhost:{port}{server.endpoint.split(str(server.port), 1)[1]}"


def tls_call(server: ServerThread, cert: Path, key: Path, facade: str, **options: Any) -> Any:
    """`count_users` and a listing through a TLS front of `server`, with `options`."""

    async def run() -> Any:
        async with tls_front(server, cert, key) as endpoint:
            return await asyncio.to_thread(
                call_on,
                facade,
                lambda kili: (
                    (kili.count_users(), kili.users(fields=["id"], first=120))
                    if facade == "sync"
                    else both(kili)
                ),
                api_key=server.api_key,
                api_endpoint=endpoint,
                **options,
            )

    async def both(kili: AsyncKili) -> tuple[int, list[Any]]:
        return await kili.count_users(), await kili.users(fields=["id"], first=120)

    with warnings.catch_warnings():
        # httpx deprecates a CA bundle's path as its `verify`: none may reach a user.
        warnings.simplefilter("error", DeprecationWarning)
        return asyncio.run(run())


@pytest.mark.parametrize("as_context", [False, True], ids=["path", "ssl.SSLContext"])
def test_tls_with_the_servers_certificate_as_ca(
    listing_server: ServerThread, certificate: tuple[Path, Path], facade: str, as_context: bool
) -> None:
    cert, key = certificate
    verify: str | ssl.SSLContext = (
        ssl.create_default_context(cafile=str(cert)) if as_context else str(cert)
    )
    counted, rows = tls_call(listing_server, cert, key, facade, verify=verify)
    assert counted == 250
    assert len(rows) == 120


def test_tls_with_an_unknown_certificate_fails_as_through_httpx(
    listing_server: ServerThread, certificate: tuple[Path, Path], facade: str
) -> None:
    cert, key = certificate

    async def run() -> tuple[KiliError, KiliError]:
        async with tls_front(listing_server, cert, key) as endpoint:
            return await asyncio.to_thread(
                both_errors,
                facade,
                count,
                api_key=listing_server.api_key,
                api_endpoint=endpoint,
                max_retries=0,
            )

    own, borrowed = asyncio.run(run())
    assert isinstance(own, KiliConnectionError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(own)
    same(own, borrowed)


def test_tls_without_verification(
    listing_server: ServerThread, certificate: tuple[Path, Path], facade: str
) -> None:
    cert, key = certificate
    counted, _ = tls_call(listing_server, cert, key, facade, verify=False)
    assert counted == 250


# ------------------------------------------------------------------- proxies


def test_a_proxy_in_the_environment_is_used(
    listing_server: ServerThread, monkeypatch: pytest.MonkeyPatch, facade: str
) -> None:
    """The pool the client creates routes through a proxy the environment names. (The
    test's proxy passes the absolute-form request line on as it is, which the server does
    not route: only its arrival is checked.)"""
    proxy = FaultProxy(listing_server)
    try:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        with contextlib.suppress(KiliError):
            call_on(
                facade,
                count,
                api_key=listing_server.api_key,
                api_endpoint=listing_server.endpoint,
                max_retries=0,
            )
        assert proxy.received_count("countUsers") == 1
    finally:
        proxy.close()
