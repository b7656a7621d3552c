"""Pages of a listing fetched with a bounded number in flight, answers kept in order.

The one place where the two facades really differ: `AsyncPageRunner` runs the
fetches as asyncio tasks, `PageRunner` on a thread pool. `tools/unasync.py` writes
`Kili` from `AsyncKili` by swapping the one for the other.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
)
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

P = TypeVar("P")
R = TypeVar("R")


class AsyncPageRunner:
    """Awaits up to `limit` fetches at once and yields their results in order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def in_order(
        self, fetch: Callable[[P], Awaitable[R]], items: Iterable[P]
    ) -> AsyncGenerator[R, None]:
        """Each item's result, in the order of `items`.

        Fetches start ahead of the consumer, at most `limit` at a time; those still
        running when the consumer stops (or a fetch fails) are cancelled.
        """
        in_flight: deque[asyncio.Future[R]] = deque()
        try:
            for item in items:
                in_flight.append(asyncio.ensure_future(fetch(item)))
                if len(in_flight) >= self.limit:
                    yield await in_flight.popleft()
            while in_flight:
                yield await in_flight.popleft()
        finally:
            for task in in_flight:
                task.cancel()
                task.add_done_callback(_retrieve)

    async def aclose(self) -> None:
        """Nothing to release: tasks end with the listing that started them."""


class PageRunner:
    """Runs up to `limit` fetches at once on worker threads and yields their results in order.

    The threads are started on first use and kept for the runner's life, so that
    consecutive listings reuse them.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pool: ThreadPoolExecutor | None = None

    def in_order(self, fetch: Callable[[P], R], items: Iterable[P]) -> Generator[R, None, None]:
        """Each item's result, in the order of `items`.

        Fetches start ahead of the consumer, at most `limit` at a time; those not yet
        started when the consumer stops (or a fetch fails) are cancelled.
        """
        if self.limit == 1:
            for item in items:
                yield fetch(item)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.limit, thread_name_prefix="kili-typed-page")
        in_flight: deque[Future[R]] = deque()
        try:
            for item in items:
                in_flight.append(self._pool.submit(fetch, item))
                if len(in_flight) >= self.limit:
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()
        finally:
            for future in in_flight:
                future.cancel()

    def close(self) -> None:
        """Stop the worker threads; fetches not yet started are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Take the error of a fetch given up on, so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()
