"""What the client accepts: answer size, attempt time, closed clients, and what its
errors and warnings say (issue: hardening, client side).

Oversized and trickled answers are shapes a real server cannot produce on demand: a
small HTTP server on 127.0.0.1 plays them. Everything else runs against the local server.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from kili_typed import (
    AsyncKili,
    ClientClosedError,
    GraphQLError,
    HTTPStatusError,
    InsecureEndpointWarning,
    Kili,
    KiliConnectionError,
    KiliTimeoutError,
    MalformedResponseError,
    ResponseTooLargeError,
    ServerError,
)
from kili_typed_testkit.server import KiliServer

from .facades import Blocking, make_facade

GRAPHQL = "/api/label/v2/graphql"
COUNT_ANSWER = b'{"data": {"countUsers": 3}}'
#: A key as long as real ones: messages are redacted of it, and a one-letter key would
#: redact that letter everywhere.
KEY = "kt_bounds-test-key-0123456789"

Play = Callable[[socket.socket], None]


class Stage:
    """A one-scene HTTP server on a free loopback port: each request gets `play`."""

    def __init__(self, play: Play) -> None:
        self._play = play
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{GRAPHQL}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests += 1
                with contextlib.suppress(OSError):
                    self._play(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def stage() -> Iterator[Callable[[Play], Stage]]:
    stages: list[Stage] = []

    def open_stage(play: Play) -> Stage:
        stages.append(Stage(play))
        return stages[-1]

    yield open_stage
    for each in stages:
        each.close()


def _head(length: int | None, *extra: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/json", "Connection: close", *extra]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def endless(conn: socket.socket) -> None:
    """A body with no announced length that never stops (until the client hangs up)."""
    conn.sendall(_head(None) + b'{"data": {"countUsers": 1, "pad": "')
    block = b"x" * 65536
    for _ in range(4096):  # 256 MiB at most: bounded even if the client never stops
        conn.sendall(block)


def gzip_bomb(conn: socket.socket) -> None:
    """A small gzip body that inflates to 8 MiB."""
    body = gzip.compress(b'{"data": {"countUsers": 1, "pad": "' + b"0" * (8 << 20) + b'"}}')
    conn.sendall(_head(len(body), "Content-Encoding: gzip") + body)


def announced(conn: socket.socket) -> None:
    """An answer that announces 1 GiB up front."""
    conn.sendall(_head(1 << 30))


def trickle(conn: socket.socket) -> None:
    """A valid answer, one byte every 0.1 s: each read is quick, the whole is not."""
    conn.sendall(_head(len(COUNT_ANSWER)))
    for byte in COUNT_ANSWER:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


@pytest.mark.parametrize("play", [endless, gzip_bomb, announced], ids=lambda p: p.__name__)
def test_an_answer_larger_than_the_bound_stops_the_read(
    stage: Callable[[Play], Stage], facade: str, play: Play
) -> None:
    server = stage(play)
    with (
        make_facade(
            facade,
            api_key=KEY,
            api_endpoint=server.endpoint,
            max_answer_bytes=1 << 20,
            max_retries=0,
        ) as kili,
        pytest.raises(ResponseTooLargeError, match=r"larger than 1048576 bytes") as raised,
    ):
        kili.count_users()
    assert raised.value.operation == "countUsers"


def test_a_trickled_answer_is_cut_at_the_timeout_of_the_attempt(
    stage: Callable[[Play], Stage], facade: str
) -> None:
    server = stage(trickle)
    with (
        make_facade(
            facade, api_key=KEY, api_endpoint=server.endpoint, timeout=0.5, max_retries=1
        ) as kili,
        pytest.raises(KiliTimeoutError, match=r"took longer than 0\.5s in all") as raised,
    ):
        kili.count_users()
    # Each read was quick; the attempt as a whole was not. Queries are retried once.
    assert raised.value.attempts == 2
    assert server.requests == 2


def test_an_answer_within_the_bounds_is_read(stage: Callable[[Play], Stage], facade: str) -> None:
    server = stage(lambda conn: conn.sendall(_head(len(COUNT_ANSWER)) + COUNT_ANSWER))
    with make_facade(facade, api_key=KEY, api_endpoint=server.endpoint) as kili:
        assert kili.count_users() == 3


def _nested(depth: int, leaf: str = "1") -> str:
    """A JSON array `depth` levels deep."""
    return "[" * depth + leaf + "]" * depth


def _nested_object(depth: int) -> str:
    """A JSON object `depth` levels deep."""
    return '{"a":' * depth + "1" + "}" * depth


#: Answers too deep to read, as a hostile server sends them (issue #25, row 5): the
#: whole body 50,000 deep, or a GraphQL error whose parts are 900 deep (readable as
#: JSON, too deep for the recursive redaction of errors).
TOO_DEEP = {
    "body 50,000 deep": _nested(50_000),
    "viewer 50,000 deep": '{"data": {"viewer": {"email": ' + _nested(50_000, '"a"') + "}}}",
    "error extensions 900 deep": (
        '{"errors": [{"message": "no", "extensions": ' + _nested_object(900) + "}]}"
    ),
    "error path 900 deep": '{"errors": [{"message": "no", "path": ' + _nested(900) + "}]}",
    "HTTP 500 with errors 900 deep": (
        '{"errors": [{"message": "no", "extensions": ' + _nested_object(900) + "}]}"
    ),
}


@pytest.mark.parametrize("shape", TOO_DEEP)
def test_an_answer_too_deep_to_read_is_a_malformed_response(
    stage: Callable[[Play], Stage], facade: str, shape: str
) -> None:
    """Never a RecursionError: the project's error, naming the endpoint, not the key."""
    body = TOO_DEEP[shape].encode()
    status = "HTTP/1.1 500 Internal Server Error" if shape.startswith("HTTP 500") else None
    head = _head(len(body))
    if status is not None:
        head = head.replace(b"HTTP/1.1 200 OK", status.encode())
    server = stage(lambda conn: conn.sendall(head + body))
    with make_facade(facade, api_key=KEY, api_endpoint=server.endpoint, max_retries=0) as kili:
        error_type = ServerError if status is not None else MalformedResponseError
        with pytest.raises(error_type) as raised:
            kili.get_current_user()
    message = str(raised.value)
    if status is None:
        assert message == (
            f"viewer: the answer is JSON nested too deeply to be read "
            f"(answered by {server.endpoint})"
        )
    assert KEY not in message and KEY not in repr(raised.value)
    assert raised.value.operation == "viewer"


def test_a_callers_client_is_bounded_whatever_its_transport() -> None:
    """The caller's transport is wrapped as its client's kind: httpx.MockTransport is
    both sync and async. The caller's own requests through it are not bounded."""
    large = b'{"data": {"countUsers": 1, "pad": "' + b"0" * 4096 + b'"}}'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=large)

    endpoint = f"http://127.0.0.1:9{GRAPHQL}"
    options: dict[str, Any] = {"api_key": KEY, "api_endpoint": endpoint, "max_answer_bytes": 1024}
    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        with Kili(http_client=http, **options) as kili, pytest.raises(ResponseTooLargeError):
            kili.count_users()
        assert http.post(endpoint).content == large

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            async with AsyncKili(http_client=http, **options) as kili:
                with pytest.raises(ResponseTooLargeError):
                    await kili.count_users()
            assert (await http.post(endpoint)).content == large

    asyncio.run(scenario())


def test_a_refused_connection_names_the_endpoint_and_the_attempts(facade: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}{GRAPHQL}"
    with make_facade(facade, api_key=KEY, api_endpoint=endpoint, max_retries=1) as kili:
        kili_inner = getattr(kili, "inner", kili)
        kili_inner._sleep = _no_sleep(kili_inner)
        with pytest.raises(KiliConnectionError) as raised:
            kili.count_users()
    assert f"({endpoint}, 2 attempts)" in str(raised.value)
    assert raised.value.attempts == 2


def _no_sleep(kili: object) -> Callable[[float], object]:
    async def asleep(seconds: float) -> None:
        return None

    def sleep(seconds: float) -> None:
        return None

    return sleep if isinstance(kili, Kili) else asleep


def test_a_404_suggests_the_graphql_path(kili_server: KiliServer, facade: str) -> None:
    wrong = kili_server.endpoint.replace(GRAPHQL, "/graphql")
    with (
        make_facade(facade, api_key=kili_server.api_key, api_endpoint=wrong) as kili,
        pytest.raises(HTTPStatusError, match=r"HTTP 404.*ends with /api/label/v2/graphql"),
    ):
        kili.count_users()


def test_a_closed_client_says_so(kili_server: KiliServer, facade: str) -> None:
    kili = make_facade(facade, api_key=kili_server.api_key, api_endpoint=kili_server.endpoint)
    assert kili.count_users() >= 1
    if isinstance(kili, Blocking):
        kili._run(kili.inner.aclose())  # close the AsyncKili, keep the test's event loop
    else:
        kili.close()
    with pytest.raises(ClientClosedError, match="this client is closed"):
        kili.count_users()
    kili.close()


def test_error_details_from_an_echoing_server_are_redacted(
    stage: Callable[[Play], Stage], facade: str
) -> None:
    key, password = "kt_echo-key-1234567890", "Echo-Passw0rd!"
    body = json.dumps(
        {
            "errors": [
                {
                    "message": f"bad {password}",
                    "extensions": {
                        "code": "BAD_USER_INPUT",
                        "sent": {"key": key, "list": [password, 1]},
                    },
                }
            ]
        }
    ).encode()
    server = stage(lambda conn: conn.sendall(_head(len(body)) + body))
    with (
        make_facade(facade, api_key=key, api_endpoint=server.endpoint) as kili,
        pytest.raises(GraphQLError) as raised,
    ):
        kili.create_user("e@example.com", password, "USER")
    shown = repr(raised.value.errors) + str(raised.value)
    assert key not in shown and password not in shown
    assert raised.value.errors[0].extensions["sent"] == {
        "key": "[REDACTED]",
        "list": ["[REDACTED]", 1],
    }
    assert raised.value.code == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("endpoint", "warns"),
    [
        ("http://kili.example.com/api/label/v2/graphql", True),
        ("http://10.1.2.3:4000/api/label/v2/graphql", True),
        ("https://kili.example.com/api/label/v2/graphql", False),
        ("http://localhost:4000/api/label/v2/graphql", False),
        ("http://127.0.0.1:4000/api/label/v2/graphql", False),
        ("http://127.8.9.10:4000/api/label/v2/graphql", False),
        ("http://[::1]:4000/api/label/v2/graphql", False),
    ],
)
def test_a_plain_http_endpoint_elsewhere_warns_when_the_client_is_made(
    endpoint: str, warns: bool
) -> None:
    # The clients are only created: nothing is sent to any of these addresses.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Kili(api_key=KEY, api_endpoint=endpoint).close()
    insecure = [w for w in caught if issubclass(w.category, InsecureEndpointWarning)]
    assert bool(insecure) is warns
    if warns:
        assert "unencrypted" in str(insecure[0].message)
        assert insecure[0].filename == __file__  # points at the caller's line


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "64"])
def test_max_answer_bytes_must_be_a_positive_int(value: object) -> None:
    with pytest.raises(ValueError, match="max_answer_bytes must be an int of 1 or more"):
        Kili(api_key="k", max_answer_bytes=value)  # type: ignore[arg-type]
