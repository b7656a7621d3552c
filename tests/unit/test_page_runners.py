"""The page runners: results in order, a slow fetch holds up no other, `hold` bounds memory.

Each fetch records that it started; the first waits until the test releases it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from kili_typed._concurrency import AsyncPageRunner, PageRunner

ITEMS = range(8)


def wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.mark.parametrize(("hold", "started_meanwhile"), [(None, set(ITEMS)), (3, {0, 1, 2})])
def test_threads_a_slow_first_fetch_holds_up_no_other(
    hold: int | None, started_meanwhile: set[int]
) -> None:
    release = threading.Event()
    started: set[int] = set()
    lock = threading.Lock()

    def fetch(item: int) -> int:
        with lock:
            started.add(item)
        if item == 0:
            assert release.wait(10)
        return item * 10

    runner = PageRunner(limit=2)
    results: list[int] = []
    consumer = threading.Thread(
        target=lambda: results.extend(runner.in_order(fetch, ITEMS, hold=hold))
    )
    consumer.start()
    try:
        wait_until(lambda: len(started) >= len(started_meanwhile))
        time.sleep(0.05)  # nothing more starts while the first is held (with `hold`)
        assert started == started_meanwhile
        assert results == []  # in order: nothing before the first
    finally:
        release.set()
        consumer.join(10)
        runner.close()
    assert results == [item * 10 for item in ITEMS]


def test_threads_never_more_than_limit_running() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def fetch(item: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01 if item % 2 else 0.03)
        with lock:
            running -= 1
        return item

    runner = PageRunner(limit=3)
    try:
        assert list(runner.in_order(fetch, range(20))) == list(range(20))
    finally:
        runner.close()
    assert most == 3


def test_threads_a_failure_surfaces_in_order_and_stops_the_rest() -> None:
    started: list[int] = []

    def fetch(item: int) -> int:
        started.append(item)
        if item == 2:
            raise LookupError("page 2")
        return item

    runner = PageRunner(limit=2)
    got: list[int] = []
    try:
        with pytest.raises(LookupError, match="page 2"):
            for result in runner.in_order(fetch, range(100), hold=2):
                got.append(result)
    finally:
        runner.close()
    assert got == [0, 1]
    assert len(started) < 100


@pytest.mark.parametrize(("hold", "started_meanwhile"), [(None, set(ITEMS)), (3, {0, 1, 2})])
def test_tasks_a_slow_first_fetch_holds_up_no_other(
    hold: int | None, started_meanwhile: set[int]
) -> None:
    async def main() -> None:
        release = asyncio.Event()
        started: set[int] = set()

        async def fetch(item: int) -> int:
            started.add(item)
            if item == 0:
                await asyncio.wait_for(release.wait(), 10)
            else:
                await asyncio.sleep(0)
            return item * 10

        async def consume() -> list[int]:
            return [r async for r in AsyncPageRunner(limit=2).in_order(fetch, ITEMS, hold=hold)]

        consumer = asyncio.ensure_future(consume())
        for _ in range(200):  # let every fetch that may start, start and end
            await asyncio.sleep(0)
        assert started == started_meanwhile
        assert not consumer.done()
        release.set()
        assert await asyncio.wait_for(consumer, 10) == [item * 10 for item in ITEMS]

    asyncio.run(main())


def test_tasks_stopping_early_cancels_what_runs() -> None:
    async def main() -> None:
        started: list[int] = []
        finished: list[int] = []

        async def fetch(item: int) -> int:
            started.append(item)
            await asyncio.sleep(0 if item == 0 else 10)
            finished.append(item)
            return item

        stream = AsyncPageRunner(limit=3).in_order(fetch, range(10))
        assert await stream.__anext__() == 0
        await stream.aclose()
        for _ in range(5):
            await asyncio.sleep(0)
        assert finished == [0]
        assert started[:3] == [0, 1, 2]
        assert len(started) <= 4  # the three first, and the one started when 0 ended
        assert not [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]

    asyncio.run(main())
