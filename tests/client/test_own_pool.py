"""The connection pool `AsyncKili` creates itself (kili_typed._async_transport), over real sockets.

Most tests of `tests/client` send through a test's own `http_client`; these use the
pool the client builds when given none. Each failure is compared with what the same
call raises through a plain `httpx.AsyncClient` (the pool `AsyncKili` used before):
the same error, with the same message.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
import threading
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kili_typed import (
    AsyncKili,
    ClientClosedError,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
)
from kili_typed._async_transport import LeanAsyncTransport
from kili_typed_server import LocalServer

from .faults import HANG_TIMEOUT, Fault, FaultProxy

Call = Callable[[AsyncKili], Awaitable[object]]


def count(kili: AsyncKili) -> Awaitable[object]:
    return kili.count_users()


async def error_of(call: Call, **options: Any) -> KiliError:
    """What `call` raises on an `AsyncKili` made with `options`."""
    async with AsyncKili(**options) as kili:
        try:
            await call(kili)
        except KiliError as error:
            return error
    raise AssertionError("the call was expected to fail")


async def both_errors(call: Call, **options: Any) -> tuple[KiliError, KiliError]:
    """What `call` raises through the client's own pool, then through httpx's."""
    own = await error_of(call, **options)
    async with httpx.AsyncClient() as http:
        borrowed = await error_of(call, http_client=http, **options)
    return own, borrowed


def same(own: KiliError, borrowed: KiliError) -> None:
    assert type(own) is type(borrowed)
    assert str(own) == str(borrowed)
    assert getattr(own, "request_sent", None) == getattr(borrowed, "request_sent", None)


# ------------------------------------------------------------------- answers


def test_a_listing_through_the_own_pool_is_the_listing_through_httpx(
    listing_server: LocalServer,
) -> None:
    options: dict[str, Any] = {
        "api_key": listing_server.api_key,
        "api_endpoint": listing_server.endpoint,
    }

    async def run() -> tuple[list[Any], list[Any], int]:
        async with AsyncKili(max_concurrent_pages=3, **options) as kili:
            own = await kili.users(fields=["email", "id"], first=230, skip=5)
            counted = await kili.count_users()
        async with (
            httpx.AsyncClient() as http,
            AsyncKili(http_client=http, max_concurrent_pages=3, **options) as kili,
        ):
            borrowed = await kili.users(fields=["email", "id"], first=230, skip=5)
        return own, borrowed, counted

    own, borrowed, counted = asyncio.run(run())
    assert len(own) == 230
    assert own == borrowed
    assert counted == 250


def test_the_generated_client_posts_through_the_own_pool(listing_server: LocalServer) -> None:
    async def run() -> int:
        async with AsyncKili(
            api_key=listing_server.api_key, api_endpoint=listing_server.endpoint
        ) as kili:
            answer = await kili.client.count_users(where={})  # type: ignore[arg-type]
            return answer.count_users

    assert asyncio.run(run()) == 250


# ------------------------------------------------------------------- failures


def test_refused_connection(refused_endpoint: str) -> None:
    own, borrowed = asyncio.run(
        both_errors(count, api_key="k", api_endpoint=refused_endpoint, max_retries=0)
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
        Fault("truncated body", "truncate", after=True),
    ],
    ids=lambda fault: fault.name,
)
def test_failures_are_the_errors_httpx_gives(local_server: LocalServer, fault: Fault) -> None:
    proxy = FaultProxy(local_server)
    try:
        proxy.inject("countUsers", fault, fault)
        options: dict[str, Any] = {
            "api_key": local_server.api_key,
            "api_endpoint": proxy.endpoint,
            "timeout": HANG_TIMEOUT,
            "max_retries": 0,
        }
        own, borrowed = asyncio.run(both_errors(count, **options))
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
    own, borrowed = asyncio.run(
        both_errors(
            count,
            api_key="k",
            api_endpoint=full_listener,
            timeout=httpx.Timeout(5, connect=0.1),
            max_retries=0,
        )
    )
    assert isinstance(own, KiliTimeoutError)
    assert not own.request_sent
    same(own, borrowed)


def test_a_closed_client_refuses_calls(listing_server: LocalServer) -> None:
    async def run() -> None:
        kili = AsyncKili(api_key=listing_server.api_key, api_endpoint=listing_server.endpoint)
        assert len(await kili.users(fields=["id"])) == 250
        await kili.aclose()
        with pytest.raises(ClientClosedError):
            await kili.count_users()

    asyncio.run(run())


# ------------------------------------------------------------------- the pool itself


@contextlib.contextmanager
def counting_server(
    *, close_after_answer: bool = False
) -> Iterator[tuple[str, list[int], list[int]]]:
    """A tiny HTTP server on its own thread and event loop: yields its URL, the
    connections open now (a one-item list) and the most ever open at once. Its answers
    say nothing of closing, but with `close_after_answer` it closes each connection
    once it has answered."""
    open_now, most = [0], [0]

    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        open_now[0] += 1
        most[0] = max(most[0], open_now[0])
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(0.02)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
                if close_after_answer:
                    await asyncio.sleep(0.01)  # once the client is done with the answer
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            open_now[0] -= 1
            writer.close()
            handlers.discard(task)

    async def shutdown() -> None:
        server.close()
        for task in list(handlers):
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/", open_now, most
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_the_pool_opens_at_most_max_connections_and_closes_them_all() -> None:
    async def run(url: str, open_now: list[int], most: list[int]) -> None:
        transport = LeanAsyncTransport(limits=httpx.Limits(max_connections=2))
        async with httpx.AsyncClient(transport=transport) as http:
            answers = await asyncio.gather(*(http.get(url) for _ in range(7)))
            assert [a.text for a in answers] == ["ok"] * 7
            assert most[0] == 2
        # The server sees each connection end (a bound, not a delay).
        for _ in range(500):
            if open_now[0] == 0:
                break
            await asyncio.sleep(0.01)
        assert open_now[0] == 0

    with counting_server() as (url, open_now, most):
        asyncio.run(run(url, open_now, most))


@pytest.mark.parametrize("loop_runs", [True, False], ids=["noticed", "not yet noticed"])
def test_a_connection_the_server_closed_while_idle_is_not_reused(loop_runs: bool) -> None:
    """The next request opens another connection instead of failing on the closed one,
    whether or not the event loop has run since the server closed it."""

    async def run(url: str) -> list[str]:
        async with httpx.AsyncClient(transport=LeanAsyncTransport()) as http:
            texts = [(await http.get(url)).text]
            for _ in range(3):
                if loop_runs:
                    await asyncio.sleep(0.05)
                else:
                    time.sleep(0.1)  # the loop does not see the server's close
                texts.append((await http.get(url)).text)
            return texts

    with counting_server(close_after_answer=True) as (url, _, _):
        assert asyncio.run(run(url)) == ["ok"] * 4


def test_a_request_waiting_for_a_connection_times_out_as_httpx_says() -> None:
    async def run(url: str) -> None:
        transport = LeanAsyncTransport(limits=httpx.Limits(max_connections=1))
        async with httpx.AsyncClient(transport=transport) as http:
            async with http.stream("GET", url):
                with pytest.raises(httpx.PoolTimeout):
                    await http.get(url, timeout=httpx.Timeout(1, pool=0.05))
            # The connection held by the stream is free again.
            assert (await http.get(url)).text == "ok"

    with counting_server() as (url, _, _):
        asyncio.run(run(url))


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
async def tls_front(server: LocalServer, cert: Path, key: Path) -> AsyncIterator[str]:
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


def test_tls_with_the_servers_certificate_as_ca_bundle(
    listing_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate

    async def run() -> tuple[int, list[Any]]:
        async with (
            tls_front(listing_server, cert, key) as endpoint,
            AsyncKili(
                api_key=listing_server.api_key, api_endpoint=endpoint, verify=str(cert)
            ) as kili,
        ):
            return await kili.count_users(), await kili.users(fields=["id"], first=120)

    with warnings.catch_warnings():
        # httpx 0.28 deprecates a path as `verify`; Kili's own `verify` still takes one.
        warnings.simplefilter("ignore", DeprecationWarning)
        counted, rows = asyncio.run(run())
    assert counted == 250
    assert len(rows) == 120


def test_tls_with_an_unknown_certificate_fails_as_through_httpx(
    listing_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate

    async def run() -> tuple[KiliError, KiliError]:
        async with tls_front(listing_server, cert, key) as endpoint:
            return await both_errors(
                count, api_key=listing_server.api_key, api_endpoint=endpoint, max_retries=0
            )

    own, borrowed = asyncio.run(run())
    assert isinstance(own, KiliConnectionError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(own)
    same(own, borrowed)


def test_tls_without_verification(
    listing_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate

    async def run() -> int:
        async with (
            tls_front(listing_server, cert, key) as endpoint,
            AsyncKili(api_key=listing_server.api_key, api_endpoint=endpoint, verify=False) as kili,
        ):
            return await kili.count_users()

    assert asyncio.run(run()) == 250


# ------------------------------------------------------------------- proxies


def test_a_proxy_in_the_environment_is_used_as_before(
    listing_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a proxy set in the environment, the client sends through httpx's own pool,
    which routes through it. (The test's proxy passes the absolute-form request line on
    as it is, which the server does not route: only its arrival is checked.)"""
    proxy = FaultProxy(listing_server)
    try:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")

        async def run() -> None:
            async with AsyncKili(
                api_key=listing_server.api_key, api_endpoint=listing_server.endpoint, max_retries=0
            ) as kili:
                with contextlib.suppress(KiliError):
                    await kili.count_users()

        asyncio.run(run())
        assert proxy.received_count("countUsers") == 1
    finally:
        proxy.close()
