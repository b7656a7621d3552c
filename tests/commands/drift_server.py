"""A test-only GraphQL server that serves a modified copy of ``schema.graphql``.

`kili-typed schema diff` needs a live server whose schema differs from the bundled one.
Introspection is all it asks, so the schema needs no resolvers: ariadne serves the SDL
as given, behind the same ``Authorization: X-API-Key: <key>`` check as Kili, on a free
loopback port, in a background thread.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from ariadne import make_executable_schema
from ariadne.asgi import GraphQL

REPOSITORY = Path(__file__).resolve().parents[2]
GRAPHQL_PATH = "/api/label/v2/graphql"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def bundled_sdl() -> str:
    """The repository's ``schema.graphql``."""
    return (REPOSITORY / "schema.graphql").read_text(encoding="utf-8")


def edit(sdl: str, old: str, new: str) -> str:
    """Replaces `old` (which must occur exactly once) by `new`."""
    assert sdl.count(old) == 1, f"{old!r} occurs {sdl.count(old)} times in the schema"
    return sdl.replace(old, new)


class _RequireKey:
    """Answers 401 unless the request carries the expected key, as Kili does."""

    def __init__(self, app: Any, api_key: str) -> None:
        self.app = app
        self.expected = f"x-api-key: {api_key}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            if headers.get(b"authorization", b"").lower() != self.expected.lower():
                body = json.dumps(
                    {"errors": [{"message": "Unauthorized", "extensions": {"code": "UNAUTH"}}]}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


@contextmanager
def serve_sdl(sdl: str, api_key: str) -> Iterator[str]:
    """Serves `sdl` on 127.0.0.1 until the block ends.

    Args:
        sdl: The schema to serve.
        api_key: The only key accepted.

    Yields:
        The GraphQL endpoint URL.
    """
    app = _RequireKey(GraphQL(make_executable_schema(sdl)), api_key)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "test server did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}{GRAPHQL_PATH}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
