"""Writes under load survive the server being killed (SIGKILL, as ``kill -9``).

A real ``kili-typed server serve`` process on 127.0.0.1 takes creates and updates from
four clients; once enough writes were acknowledged it is killed without warning, in the
middle of the traffic. A new process on the same database file must then hold every
write that was acknowledged: each created user, and each user's last acknowledged first
name (or a later one that was in flight when the server died, never an older one).

Bounded: each client stops after `MAX_REQUESTS_PER_CLIENT` requests, at the first
request that fails once the server is dead, or after `MAX_SECONDS`; no timing assertion.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kili_typed_testkit.testing import GraphQLCaller
from tests.processes import ServeProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CLIENTS = 4
MAX_REQUESTS_PER_CLIENT = 400
MAX_SECONDS = 60.0
#: The server is killed once this many writes were acknowledged, all clients together.
KILL_AFTER_ACKNOWLEDGED = 300

CREATE = "mutation($d: CreateUserData!) { createUser(data: $d) { id email } }"
UPDATE = (
    "mutation($d: UserData!, $w: UserWhere!) "
    "{ updatePropertiesInUser(data: $d, where: $w) { id firstname } }"
)


@dataclass
class Ledger:
    """What one client sent, and what the server acknowledged."""

    created: set[str] = field(default_factory=set)
    #: The first names sent to each user, in order, each with whether it was acknowledged.
    names: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    acknowledged: int = 0


def client(
    number: int,
    endpoint: str,
    key: str,
    ledger: Ledger,
    acknowledged: threading.Semaphore,
    stop: threading.Event,
) -> None:
    deadline = time.monotonic() + MAX_SECONDS
    with httpx.Client(timeout=10) as http:
        gql = GraphQLCaller(endpoint, key, http)
        email: str | None = None
        for step in range(MAX_REQUESTS_PER_CLIENT):
            if stop.is_set() or time.monotonic() > deadline:
                return
            if email is None or step % 3 == 0:
                candidate = f"c{number}-{step}@example.com"
                data = {"email": candidate, "password": "kill-nine-1", "organizationRole": "USER"}
                try:
                    answer = gql(CREATE, {"d": data})
                except httpx.TransportError:
                    return  # the server is gone: whether this one was written is unknown
                if answer.status == 200 and "errors" not in answer.body:
                    ledger.created.add(candidate)
                    ledger.acknowledged += 1
                    acknowledged.release()
                    email = candidate
                continue
            name = f"n{step}"
            ledger.names.setdefault(email, []).append((name, False))
            try:
                answer = gql(UPDATE, {"d": {"firstname": name}, "w": {"email": email}})
            except httpx.TransportError:
                return
            if answer.status == 200 and "errors" not in answer.body:
                ledger.names[email][-1] = (name, True)
                ledger.acknowledged += 1
                acknowledged.release()


def test_no_acknowledged_write_is_lost_when_the_server_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    ledgers = [Ledger() for _ in range(CLIENTS)]
    acknowledged = threading.Semaphore(0)
    stop = threading.Event()
    with ServeProcess("--db", str(db)) as served:
        served.wait_for("api key")
        endpoint, key = served.field("endpoint"), served.field("api key")
        threads = [
            threading.Thread(target=client, args=(i, endpoint, key, ledgers[i], acknowledged, stop))
            for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        got = 0
        deadline = time.monotonic() + MAX_SECONDS
        while got < KILL_AFTER_ACKNOWLEDGED and time.monotonic() < deadline:
            if acknowledged.acquire(timeout=1):
                got += 1
        served.process.send_signal(signal.SIGKILL)  # as kill -9: no shutdown of any kind
        served.process.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    assert got >= KILL_AFTER_ACKNOWLEDGED, "the load never reached the kill point"

    with ServeProcess("--db", str(db)) as again:
        again.wait_for("api key")
        assert "(reused)" in again.field("database")
        stored: dict[str, str | None] = {}
        with httpx.Client(timeout=30) as http:
            gql = GraphQLCaller(again.field("endpoint"), key, http)
            count = gql("{ countUsers(where: {}) }").data["countUsers"]
            for skip in range(0, count, 100):  # pages of at most 100, as Kili serves them
                page = gql(
                    "query($s: Int) { users(where: {}, first: 100, skip: $s) { email firstname } }",
                    {"s": skip},
                ).data["users"]
                stored.update((user["email"], user["firstname"]) for user in page)
    assert len(stored) == count

    created = set().union(*(ledger.created for ledger in ledgers))
    missing = sorted(created - stored.keys())
    assert not missing, f"acknowledged creates lost: {missing[:5]}"
    for ledger in ledgers:
        for email, sent in ledger.names.items():
            acked = [index for index, (_, ok) in enumerate(sent) if ok]
            if not acked:
                continue
            # The last acknowledged name, or one sent after it (in flight at the kill).
            allowed = {name for name, _ in sent[acked[-1] :]}
            assert stored[email] in allowed, (email, stored[email], sent[-3:])
    total = sum(ledger.acknowledged for ledger in ledgers)
    print(f"kill -9 under load: {total} acknowledged writes, {len(created)} users, none lost")
