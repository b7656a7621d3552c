"""Run the same tests against both facades.

`Blocking` drives an `AsyncKili` on its own event loop behind the sync API of
`Kili`, so every test of `tests/client` checks `Kili` and `AsyncKili` alike.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator
from typing import Any, TypeVar, cast

import httpx

from kili_typed import AsyncKili, Kili

T = TypeVar("T")

KINDS = ("sync", "async")


async def anext_row(rows: AsyncGenerator[Any, None]) -> Any:
    return await rows.__anext__()


class Blocking:
    """An `AsyncKili` with the blocking interface of `Kili`."""

    def __init__(self, inner: AsyncKili) -> None:
        self.inner = inner
        self._http = inner._http
        self.client = inner.client
        self.api_endpoint = inner.api_endpoint
        self._loop = asyncio.new_event_loop()

    def _run(self, awaitable: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(awaitable)

    def users(self, *args: Any, **kwargs: Any) -> Any:
        result = self.inner.users(*args, **kwargs)  # bad arguments raise here
        if inspect.isasyncgen(result):
            return self._iterate(cast(AsyncGenerator[Any, None], result))
        return self._run(cast(Coroutine[Any, Any, Any], result))

    def _iterate(self, rows: AsyncGenerator[Any, None]) -> Generator[Any, None, None]:
        try:
            while True:
                try:
                    yield self._run(anext_row(rows))
                except StopAsyncIteration:
                    return
        finally:
            self._run(rows.aclose())

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._run(method(*args, **kwargs))

        return call

    def close(self) -> None:
        self._run(self.inner.aclose())
        self._loop.close()

    def __enter__(self) -> Blocking:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_facade(kind: str, **options: Any) -> Kili:
    """A `Kili`, or an `AsyncKili` behind the same (blocking) interface."""
    if kind == "sync":
        return Kili(**options)
    # Typed as Kili: the tests call the interface both share.
    return cast(Kili, Blocking(AsyncKili(**options)))


class RequestLog:
    """Every request a facade sends, as the GraphQL operation name it carried."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def note(self, request: httpx.Request) -> None:
        self.operations.append(json.loads(request.content).get("operationName", "?"))

    async def anote(self, request: httpx.Request) -> None:
        self.note(request)

    def clear(self) -> None:
        self.operations.clear()


def attach_log(kili: Kili) -> RequestLog:
    """Record the requests `kili` sends from now on."""
    log = RequestLog()
    http: Any = kili._http
    hook = log.anote if isinstance(http, httpx.AsyncClient) else log.note
    http.event_hooks["request"].append(hook)
    return log
