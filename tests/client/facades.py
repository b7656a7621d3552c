"""Run the same tests against both facades.

`Blocking` drives an `AsyncKili` on its own event loop behind the sync API of
`Kili`, so every test of `tests/client` checks `Kili` and `AsyncKili` alike.
"""

from __future__ import annotations

import asyncio
import contextlib
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

    def __init__(
        self,
        inner: AsyncKili,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        log: RequestLog | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.inner = inner
        self.log = log
        self._own_http = http
        self.client = inner.client
        self.api_endpoint = inner.api_endpoint
        # A `with_options` copy runs on its original's loop: they share one pool.
        self._owns_loop = loop is None
        self._loop = loop or asyncio.new_event_loop()

    def _run(self, awaitable: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(awaitable)

    def users(self, *args: Any, **kwargs: Any) -> Any:
        return self._list(self.inner.users(*args, **kwargs))  # bad arguments raise here

    def organizations(self, *args: Any, **kwargs: Any) -> Any:
        return self._list(self.inner.organizations(*args, **kwargs))

    def _list(self, result: Any) -> Any:
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

    def with_options(self, **options: Any) -> Blocking:
        return Blocking(self.inner.with_options(**options), self._loop, log=self.log)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._run(method(*args, **kwargs))

        return call

    def close(self) -> None:
        self._run(self.inner.aclose())
        if self._own_http is not None:
            self._run(self._own_http.aclose())
        if self._owns_loop:
            self._loop.close()

    def __enter__(self) -> Blocking:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def underlying(kili: Kili) -> Kili | AsyncKili:
    """The real facade behind `kili`: itself, or the `AsyncKili` a `Blocking` drives."""
    inner = getattr(kili, "inner", None)
    return inner if isinstance(inner, AsyncKili) else kili


def record_sleeps(kili: Kili, on_sleep: Callable[[], object] | None = None) -> list[float]:
    """Replace the facade's sleep between attempts: record each wait, never wait.

    Args:
        kili: The facade.
        on_sleep: Called at each sleep, e.g. to end a fault.

    Returns:
        The list the waits are appended to.
    """
    waits: list[float] = []
    facade = underlying(kili)

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if on_sleep is not None:
            on_sleep()

    async def asleep(seconds: float) -> None:
        sleep(seconds)

    if isinstance(facade, AsyncKili):
        facade._sleep = asleep
    else:
        facade._sleep = sleep
    return waits


class RequestLog:
    """What a facade sends, seen from the test's own `http_client`: each request's
    GraphQL operation name, and the local address of each answer's connection."""

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.peers: set[object] = set()

    def note(self, request: httpx.Request) -> None:
        self.operations.append(json.loads(request.content).get("operationName", "?"))

    def note_answer(self, response: httpx.Response) -> None:
        # The answer is read by then (the facade's transport reads it within its bounds):
        # a server that closed the connection after answering leaves no address to note.
        with contextlib.suppress(OSError):
            self.peers.add(response.extensions["network_stream"].get_extra_info("client_addr"))

    async def anote(self, request: httpx.Request) -> None:
        self.note(request)

    async def anote_answer(self, response: httpx.Response) -> None:
        self.note_answer(response)

    def clear(self) -> None:
        self.operations.clear()
        self.peers.clear()


class Recorded(Kili):
    """A `Kili` sending through a client of the test's own, which it closes with itself."""

    def __init__(self, log: RequestLog, **options: Any) -> None:
        self.log = log
        self._own: httpx.Client | None = httpx.Client(
            event_hooks={"request": [log.note], "response": [log.note_answer]}
        )
        super().__init__(http_client=self._own, **options)

    def with_options(self, **options: Any) -> Recorded:
        clone = cast(Recorded, super().with_options(**options))
        clone._own = None  # a copy borrows the pool
        return clone

    def close(self) -> None:
        super().close()
        if self._own is not None:
            self._own.close()


def make_facade(kind: str, **options: Any) -> Kili:
    """A `Kili`, or an `AsyncKili` behind the same (blocking) interface, each sending
    through an `http_client` of the test's whose requests `attach_log` reads."""
    log = RequestLog()
    if kind == "sync":
        return Recorded(log, **options)
    http = httpx.AsyncClient(event_hooks={"request": [log.anote], "response": [log.anote_answer]})
    # Typed as Kili: the tests call the interface both share.
    return cast(Kili, Blocking(AsyncKili(http_client=http, **options), log=log, http=http))


def attach_log(kili: Kili) -> RequestLog:
    """Record the requests `kili` (made by `make_facade`) sends from now on."""
    log: RequestLog = cast(Any, kili).log
    log.clear()
    return log
