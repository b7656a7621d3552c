"""Slow work in one request never holds up the others."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_testkit.testing import TEST_API_KEY, GraphQLCaller

CREATE = "mutation($d: CreateUserData!) { createUser(data: $d) { email } }"


def test_password_hashing_does_not_block_other_requests(
    local_server: ServerThread, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # createUser costs a scrypt hash (tens of ms of CPU in production). Park one inside the
    # hash and check that the server keeps answering: hashing runs in a worker thread, not
    # the event loop.
    hashing, release = threading.Event(), threading.Event()
    accounts = local_server.store.accounts
    real = accounts.hasher

    class ParkedHasher:
        def hash(self, password: str) -> str:
            hashing.set()
            assert release.wait(30)
            return real.hash(password)

        def verify(self, password: str, stored: str | None) -> bool:
            return real.verify(password, stored)

    monkeypatch.setattr(accounts, "hasher", ParkedHasher())
    created: list[object] = []

    def create() -> None:
        with httpx.Client(timeout=60) as own:
            answer = GraphQLCaller(local_server.endpoint, TEST_API_KEY, own)(
                CREATE,
                {
                    "d": {
                        "email": "slow@example.com",
                        "password": "slow-0123",
                        "organizationRole": "USER",
                    }
                },
            )
        created.append(answer.data)

    thread = threading.Thread(target=create)
    thread.start()
    try:
        assert hashing.wait(30)
        gql = GraphQLCaller(local_server.endpoint, TEST_API_KEY, http)
        for _ in range(5):
            assert gql("{ countUsers(where: {}) }").data == {"countUsers": 1}
        assert http.get(local_server.version_url).status_code == 200
        assert thread.is_alive()  # the creation is still parked in its hash
    finally:
        release.set()
        thread.join(30)
    assert created == [{"createUser": {"email": "slow@example.com"}}]


def test_the_database_runs_in_wal_mode_with_a_busy_timeout(local_server: ServerThread) -> None:
    # Readers never wait for writers, and a writer waits for the lock instead of failing.
    with sqlite3.connect(local_server.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store_conn = local_server.store.database.connection()
    assert store_conn.execute("PRAGMA busy_timeout").fetchone() == (limits.SQLITE_BUSY_TIMEOUT_MS,)


def test_a_key_check_that_would_wait_for_the_lock_holds_up_no_other_request(
    local_server: ServerThread, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keys are checked on the event loop by a read that never waits for SQLite's lock: it
    # fails at once instead ("database is locked"), and the check runs again in a worker
    # thread, which waits. Here the first check fails so, and the second is parked: the
    # server keeps answering meanwhile, and the request gets its answer once it is done.
    accounts = local_server.store.accounts
    real = accounts.authenticate
    checks: list[str] = []
    waiting, release = threading.Event(), threading.Event()

    def authenticate(api_key: str) -> object:
        checks.append(threading.current_thread().name)
        if len(checks) == 1:
            raise sqlite3.OperationalError("database is locked")
        waiting.set()
        assert release.wait(30)
        return real(api_key)

    monkeypatch.setattr(accounts, "authenticate", authenticate)
    answers: list[int] = []

    def count() -> None:
        with httpx.Client(timeout=60) as own:
            answer = GraphQLCaller(local_server.endpoint, TEST_API_KEY, own)(
                "{ countUsers(where: {}) }"
            )
        answers.append(answer.status)

    thread = threading.Thread(target=count)
    thread.start()
    try:
        assert waiting.wait(30)
        for _ in range(5):
            assert http.get(local_server.version_url).status_code == 200
        assert answers == []
    finally:
        release.set()
        thread.join(30)
    assert answers == [200]
    assert len(checks) == 2 and checks[0] != checks[1]  # the loop's, then a worker's


def test_without_waiting_a_locked_database_fails_at_once(local_server: ServerThread) -> None:
    # What the event loop's key check uses: no busy timeout, so nothing waits for the lock.
    database = local_server.store.database
    with database.without_waiting():
        assert database.connection().execute("PRAGMA busy_timeout").fetchone() == (0,)
        no_wait = database.connection()
    assert database.connection() is not no_wait
    with sqlite3.connect(local_server.db_path, isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                no_wait.execute("BEGIN IMMEDIATE")
        finally:
            writer.execute("ROLLBACK")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # forking a threaded process
def test_a_forked_child_serves_requests_with_threads_of_its_own(
    local_server: ServerThread, http: httpx.Client, tmp_path: Path
) -> None:
    # The worker threads are the process's, started by the first request; a child forked
    # afterwards has none of them and must start its own, not wait for them forever.
    gql = GraphQLCaller(local_server.endpoint, TEST_API_KEY, http)
    assert gql("{ countUsers(where: {}) }").status == 200
    pid = os.fork()
    if pid == 0:  # the child: serve one request, then leave without pytest's cleanup
        code = 1
        try:
            with ServerThread(tmp_path / "child.db", api_key=TEST_API_KEY) as child:
                with httpx.Client(timeout=20) as own:
                    answer = GraphQLCaller(child.endpoint, TEST_API_KEY, own)(
                        "{ countUsers(where: {}) }"
                    )
                code = 0 if answer.status == 200 else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child's request never got an answer")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 0
