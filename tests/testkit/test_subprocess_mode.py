"""``KiliServer(mode="subprocess")``: the same surface as the thread mode, over a child process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kili_typed import GraphQLError
from kili_typed_testkit.server import KiliServer
from kili_typed_testkit.subprocess_server import ServerProcess, _stop
from kili_typed_testkit.testing import TEST_ADMIN_PASSWORD, TEST_API_KEY


@pytest.fixture(scope="module", params=["thread", "subprocess"])
def any_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KiliServer]:
    db = tmp_path_factory.mktemp(request.param) / "kili.db"
    with KiliServer(db, mode=request.param, seed_users=2) as server:
        yield server


@pytest.fixture
def server(any_server: KiliServer) -> KiliServer:
    any_server.reset()
    return any_server


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_create_list_reset(server: KiliServer) -> None:
    with server.kili() as kili:
        kili.create_user(
            email="ada@example.com", password="Lovelace-1815", organization_role="USER"
        )
        emails = {row["email"] for row in kili.users(fields=["email"], as_generator=False)}
        assert "ada@example.com" in emails and len(emails) == 4  # admin, 2 seeded, Ada
    assert "createUser" in server.requests.operations
    server.reset(seed_users=3)
    assert len(server.requests) == 0
    with server.kili() as kili:
        emails = {row["email"] for row in kili.users(fields=["email"], as_generator=False)}
    assert "ada@example.com" not in emails and len(emails) == 4  # admin, 3 seeded


def test_a_fault_is_seen_and_recorded(server: KiliServer) -> None:
    fault = server.faults.add("count_users", graphql_error="FORBIDDEN", message="no")
    assert fault.operation == "countUsers" and server.faults.pending == [fault]
    with server.kili(max_retries=0) as kili, pytest.raises(GraphQLError, match="no"):
        kili.count_users()
    assert len(server.faults) == 0
    (last,) = server.requests.of("countUsers")
    assert last.fault == fault
    server.faults.add(status=503, times=5)
    server.faults.clear()
    assert len(server.faults) == 0


def test_a_bad_fault_is_refused_with_the_servers_words(server: KiliServer) -> None:
    with pytest.raises(ValueError, match="times"):
        server.faults.add(status=503, times=0)


def test_seeds_and_credentials(server: KiliServer, tmp_path: Path) -> None:
    assert server.seed_users(5) == 3
    seed = tmp_path / "seed.json"
    seed.write_text('["grace@example.com", {"email": "alan@example.com"}]', encoding="utf-8")
    assert server.seed_file(seed) == 2
    with server.kili() as kili:
        assert kili.count_users() == 8
    assert server.env()["KILI_API_KEY"] == server.api_key == TEST_API_KEY
    assert len(server.organization_id) > 0
    assert TEST_API_KEY not in repr(server) and TEST_ADMIN_PASSWORD not in repr(server)


def test_async_clients(server: KiliServer) -> None:
    assert asyncio.run(server.async_kili().count_users()) == 3


def test_what_cannot_cross_a_process_says_so(any_server: KiliServer) -> None:
    if not isinstance(any_server._server, ServerProcess):
        pytest.skip("the thread mode offers all of it")
    for name in ("store", "harness"):
        with pytest.raises(RuntimeError, match=f"{name}.*not available across a process"):
            getattr(any_server, name)
    with pytest.raises(RuntimeError, match="latency_ms"):
        any_server.reset(latency_ms=5)
    with pytest.raises(RuntimeError, match="in_process"):
        any_server.reset(in_process=True)
    with pytest.raises(RuntimeError, match=r"faults\.take"):
        any_server.faults.take("countUsers")


def test_the_child_is_gone_after_a_failing_block(tmp_path: Path) -> None:
    server = KiliServer(tmp_path / "kili.db", mode="subprocess")
    with pytest.raises(ZeroDivisionError), server:
        child = server._server
        assert isinstance(child, ServerProcess) and child.pid is not None
        pid = child.pid
        with server.kili() as kili:
            assert kili.count_users() == 1
        1 / 0  # noqa: B018 - a failing test
    assert _gone(pid)
    server.stop()  # twice is harmless


def test_a_child_that_dies_on_start_is_reported(tmp_path: Path) -> None:
    (tmp_path / "kili.db").mkdir()  # a folder where the database should be
    server = KiliServer(tmp_path / "kili.db", mode="subprocess")
    with pytest.raises(RuntimeError, match="exited with status") as caught:
        server.start()
    assert "stderr ends" in str(caught.value) and TEST_API_KEY not in str(caught.value)
    child = server._server
    assert isinstance(child, ServerProcess) and child.pid is not None and _gone(child.pid)


def test_a_child_deaf_to_sigterm_is_killed() -> None:
    ignoring = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    process = subprocess.Popen(
        [sys.executable, "-c", ignoring + "print('ready', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    _stop(process, timeout=0.5)
    assert process.returncode == -signal.SIGKILL
