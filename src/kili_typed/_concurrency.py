"""Pages of a listing fetched with a bounded number in flight, answers kept in order.

The one place where the two facades really differ: `AsyncPageRunner` runs the
fetches as asyncio tasks, `PageRunner` on a thread pool. `tools/unasync.py` writes
`Kili` from `AsyncKili` by swapping the one for the other.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Generator,
    Iterable,
)
from typing import TYPE_CHECKING, Any, TypeVar

# asyncio and concurrent.futures are imported where they are first needed (a listing of
# several pages), not with `import kili_typed`: sync code never needs the first, and a
# first call that is not a listing needs neither.
if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future, ThreadPoolExecutor

P = TypeVar("P")
R = TypeVar("R")

#: What `next` gives when the items run out (an item may be anything, `None` too).
_END: Any = object()


class AsyncPageRunner:
    """Awaits up to `limit` fetches at once and yields their results in order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def in_order(
        self, fetch: Callable[[P], Awaitable[R]], items: Iterable[P], *, hold: int | None = None
    ) -> AsyncGenerator[R, None]:
        """Each item's result, in the order of `items`.

        Fetches start ahead of the consumer, at most `limit` running at a time: one
        starts as soon as another ends, not when the oldest is consumed, so a slow
        fetch holds up no other. With `hold`, at most that many results, running or
        done, wait for the consumer (`None`: any number). Those still running when the
        consumer stops (or a fetch fails) are cancelled.
        """
        import asyncio

        in_flight: deque[asyncio.Future[R]] = deque()
        source = iter(items)
        running = 0
        stopped = False

        def start() -> None:
            nonlocal running
            while not stopped and running < self.limit and (hold is None or len(in_flight) < hold):
                item = next(source, _END)
                if item is _END:
                    return
                task = asyncio.ensure_future(fetch(item))
                running += 1
                task.add_done_callback(ended)
                in_flight.append(task)

        def ended(_task: asyncio.Future[R]) -> None:
            nonlocal running
            running -= 1
            start()

        start()
        try:
            while in_flight:
                yield await in_flight[0]
                # Only now, once the consumer is done with it, does it leave the hold.
                in_flight.popleft()
                start()
        finally:
            stopped = True
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

    def in_order(
        self, fetch: Callable[[P], R], items: Iterable[P], *, hold: int | None = None
    ) -> Generator[R, None, None]:
        """Each item's result, in the order of `items`.

        Fetches start ahead of the consumer, at most `limit` running at a time: one
        starts as soon as another ends, not when the oldest is consumed, so a slow
        fetch holds up no other. With `hold`, at most that many results, running or
        done, wait for the consumer (`None`: any number). Those not yet started when
        the consumer stops (or a fetch fails) are cancelled.
        """
        if self.limit == 1:
            for item in items:
                yield fetch(item)
            return
        import threading

        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self.limit, thread_name_prefix="kili-typed-page")
        pool = self._pool
        in_flight: deque[Future[R]] = deque()
        source = iter(items)
        lock = threading.Lock()  # ends are noted on the worker threads
        running = 0
        stopped = False

        def start() -> None:
            nonlocal running
            started: list[Future[R]] = []
            with lock:
                while (
                    not stopped and running < self.limit and (hold is None or len(in_flight) < hold)
                ):
                    item = next(source, _END)
                    if item is _END:
                        break
                    future = pool.submit(fetch, item)
                    running += 1
                    in_flight.append(future)
                    started.append(future)
            for future in started:  # outside the lock: a done future calls back at once
                future.add_done_callback(ended)

        def ended(_future: Future[R]) -> None:
            nonlocal running
            with lock:
                running -= 1
            # RuntimeError: the pool was shut down (`close`); the consumer sees it.
            with contextlib.suppress(RuntimeError):
                start()

        start()
        try:
            while True:
                with lock:
                    if not in_flight:
                        break
                    head = in_flight[0]
                yield head.result()
                # Only now, once the consumer is done with it, does it leave the hold.
                with lock:
                    in_flight.popleft()
                start()
        finally:
            with lock:
                stopped = True
                left = list(in_flight)
            for future in left:  # outside the lock: cancelling calls `ended` at once
                future.cancel()

    def close(self) -> None:
        """Stop the worker threads; fetches not yet started are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


async def alist(items: AsyncIterable[R]) -> list[R]:
    """The items of an async iterable, in a list."""
    return [item async for item in items]


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Take the error of a fetch given up on, so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()
