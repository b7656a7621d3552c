"""A few requests of one API key run at once; a few more wait; beyond, 429."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core.records import Caller
from kili_typed_server.graphql.execution import GraphQLService
from kili_typed_server.http.key_concurrency import KeyBusy, KeyConcurrency
from kili_typed_testkit.testing import TEST_API_KEY, add_user_with_key, make_test_server

QUERY = {"query": "{ viewer { email } }"}


@pytest.mark.anyio
async def test_turns_per_key() -> None:
    turns = KeyConcurrency(2, waiting=1)
    entered: list[str] = []
    release = anyio.Event()

    async def hold(key: str) -> None:
        async with turns.turn(key):
            entered.append(key)
            await release.wait()

    async with anyio.create_task_group() as group:
        for _ in range(3):  # two run, one waits
            group.start_soon(hold, "key-a")
        await anyio.wait_all_tasks_blocked()
        assert entered == ["key-a", "key-a"]
        with pytest.raises(KeyBusy):
            async with turns.turn("key-a"):
                pass
        group.start_soon(hold, "key-b")  # another key is not held back
        await anyio.wait_all_tasks_blocked()
        assert entered.count("key-b") == 1
        release.set()
    assert entered.count("key-a") == 3
    assert len(turns) == 0  # nothing kept once no request is in flight


@pytest.mark.parametrize(("running", "waiting"), [(0, None), (-1, None), (1, -1)])
def test_bad_limits_are_refused(running: int, waiting: int | None) -> None:
    with pytest.raises(ValueError, match="must be"):
        KeyConcurrency(running, waiting)


@pytest.fixture
def slow_queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowQueries]:
    """Every GraphQL request waits in its worker thread until released, as a slow query
    would (deterministically: no timing)."""
    slow = SlowQueries()
    real = GraphQLService.execute

    def execute(self: GraphQLService, caller: Caller, *args: Any) -> Any:
        with slow.lock:
            slow.running += 1
        slow.go.wait(60)
        return real(self, caller, *args)

    monkeypatch.setattr(GraphQLService, "execute", execute)
    yield slow
    slow.go.set()


class SlowQueries:
    def __init__(self) -> None:
        self.go = threading.Event()
        self.lock = threading.Lock()
        self.running = 0


def post(client: httpx.Client, server: ServerThread, key: str) -> httpx.Response:
    return client.post(server.endpoint, json=QUERY, headers={"Authorization": f"X-API-Key: {key}"})


def wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(1200):  # bounded: 60 s at most
        if condition():
            return
        threading.Event().wait(0.05)
    raise AssertionError("never happened")


def test_one_key_beyond_its_turns_is_answered_429(
    tmp_path: Path, slow_queries: SlowQueries
) -> None:
    with (
        make_test_server(tmp_path / "kili.db", max_concurrent_requests=1) as server,
        httpx.Client(timeout=60) as client,
        ThreadPoolExecutor(9) as pool,
    ):
        other_key = add_user_with_key(server.store)
        # Eight at once: one runs, four wait (four per turn), three are refused at once.
        sent = [pool.submit(post, client, server, TEST_API_KEY) for _ in range(8)]
        wait_until(lambda: sum(future.done() for future in sent) == 3)
        refused = [future.result() for future in sent if future.done()]
        assert [answer.status_code for answer in refused] == [429] * 3
        assert refused[0].headers["Retry-After"] == "1"
        assert "at most 1 requests of one API key run at once" in refused[0].text
        assert slow_queries.running == 1
        # Another key has turns of its own.
        other = pool.submit(post, client, server, other_key)
        wait_until(lambda: slow_queries.running == 2)
        slow_queries.go.set()
        assert other.result().status_code == 200
        held = [future.result() for future in sent if future.result().status_code != 429]
        assert [answer.status_code for answer in held] == [200] * 5


def test_no_limit_when_turned_off(tmp_path: Path, slow_queries: SlowQueries) -> None:
    with (
        make_test_server(tmp_path / "kili.db", max_concurrent_requests=None) as server,
        httpx.Client(timeout=60) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        sent = [pool.submit(post, client, server, TEST_API_KEY) for _ in range(8)]
        wait_until(lambda: slow_queries.running == 8)  # all run at once
        slow_queries.go.set()
        assert [future.result().status_code for future in sent] == [200] * 8
