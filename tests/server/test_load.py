"""Load: concurrent clients with mixed operations, then every acknowledged write is found.

Eight clients, each with its own connection, send a deterministic mix of creates, updates,
lists, counts and viewer queries to a local server on 127.0.0.1 for a bounded time and a
bounded number of requests. Some creates race on shared emails. Afterwards the database
file, opened anew, must hold every write the server acknowledged: each created user, each
user's last acknowledged first name, and exactly one user per raced email. The figures are
printed (run with -s to see them in a quiet run) and recorded as test properties; there is
no timing assertion.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kili_typed_server import Store, UserFilter
from kili_typed_testkit.testing import TEST_API_KEY, GraphQLCaller, make_test_server

CLIENTS = 8
DURATION_SECONDS = 6.0
MAX_REQUESTS_PER_CLIENT = 150
SHARED_EMAILS = 10

CREATE = "mutation($d: CreateUserData!) { createUser(data: $d) { id email } }"
UPDATE = (
    "mutation($d: UserData!, $w: UserWhere!) "
    "{ updatePropertiesInUser(data: $d, where: $w) { id firstname } }"
)
USERS = (
    "query($w: UserWhere!, $f: PageSize, $s: Int) "
    "{ users(where: $w, first: $f, skip: $s) { id email } }"
)
COUNT = "query($w: UserWhere!) { countUsers(where: $w) }"
VIEWER = "{ viewer { id email } }"


@dataclass
class ClientLog:
    """What one client sent and what the server acknowledged."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    shared_created: list[str] = field(default_factory=list)
    conflicts: int = 0
    last_firstname: dict[str, str] = field(default_factory=dict)
    updates_of: dict[str, int] = field(default_factory=dict)

    @property
    def updates(self) -> int:
        """Acknowledged updates."""
        return sum(self.updates_of.values())


def run_client(index: int, endpoint: str, deadline: float, log: ClientLog) -> None:
    rng = random.Random(index)  # deterministic mix per client
    own_users: list[str] = []
    with httpx.Client(timeout=60) as http:
        gql = GraphQLCaller(endpoint, TEST_API_KEY, http)

        def create(email: str) -> bool | None:
            data = {"email": email, "password": "load-pass-1", "organizationRole": "USER"}
            answer = gql(CREATE, {"d": data})
            if answer.status == 200 and "errors" not in answer.body:
                return True
            if answer.status == 200 and answer.code == "CONFLICT":
                return False
            log.errors.append(f"createUser {email}: {answer.status} {answer.body}")
            return None

        def op_create() -> None:
            email = f"load-{index}-{len(own_users)}@example.com"
            if create(email):
                own_users.append(email)
                log.created.append(email)

        def op_create_shared() -> None:
            email = f"shared-{rng.randrange(SHARED_EMAILS)}@example.com"
            outcome = create(email)
            if outcome:
                log.shared_created.append(email)
            elif outcome is False:
                log.conflicts += 1

        def op_update() -> None:
            if not own_users:
                return op_create()
            email = rng.choice(own_users)
            firstname = f"c{index}-v{log.requests}"
            answer = gql(UPDATE, {"d": {"firstname": firstname}, "w": {"email": email}})
            if answer.status == 200 and "errors" not in answer.body:
                log.last_firstname[email] = firstname
                log.updates_of[email] = log.updates_of.get(email, 0) + 1
            else:
                log.errors.append(f"update {email}: {answer.status} {answer.body}")
            return None

        def op_read(query: str, variables: dict[str, object] | None) -> Callable[[], None]:
            def read() -> None:
                answer = gql(query, variables)
                if answer.status != 200 or "errors" in answer.body:
                    log.errors.append(f"read: {answer.status} {answer.body}")

            return read

        operations: list[tuple[Callable[[], None], int]] = [
            (op_create, 2),
            (op_create_shared, 1),
            (op_update, 4),
            (op_read(USERS, {"w": {}, "f": 20, "s": rng.randrange(50)}), 3),
            (op_read(COUNT, {"w": {}}), 2),
            (op_read(VIEWER, None), 1),
        ]
        choices = [op for op, weight in operations for _ in range(weight)]
        while log.requests < MAX_REQUESTS_PER_CLIENT and time.monotonic() < deadline:
            log.requests += 1
            rng.choice(choices)()


@pytest.mark.slow
def test_every_acknowledged_write_survives_concurrent_load(
    tmp_path: Path,
    record_property: Callable[[str, object], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "load.db"
    logs = [ClientLog() for _ in range(CLIENTS)]
    with make_test_server(db) as server:
        assert urlsplit(server.endpoint).hostname == "127.0.0.1"  # loopback only
        deadline = time.monotonic() + DURATION_SECONDS
        threads = [
            threading.Thread(target=run_client, args=(i, server.endpoint, deadline, logs[i]))
            for i in range(CLIENTS)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads)

    errors = [error for log in logs for error in log.errors]
    assert errors == [], errors[:5]

    created = [email for log in logs for email in log.created]
    shared = [email for log in logs for email in log.shared_created]
    updates_of = {email: n for log in logs for email, n in log.updates_of.items()}
    final_names = {email: name for log in logs for email, name in log.last_firstname.items()}
    acknowledged = len(created) + len(shared) + sum(log.updates for log in logs)

    # Read back through a fresh store on the file: what the server acknowledged is on disk.
    found = 0
    with Store(db) as store:
        for email in created + shared:
            user = store.get_user(email)
            assert user is not None, f"acknowledged creation of {email} is missing"
            found += 1
        for email, firstname in final_names.items():
            # One client updates each user, one request at a time: its last acknowledged
            # value must be there, and holds every earlier update of that user.
            user = store.get_user(email)
            assert user is not None and user.firstname == firstname, (email, firstname, user)
            found += updates_of[email]
        assert len(set(shared)) == len(shared), "a raced email was acknowledged twice"
        for n in range(SHARED_EMAILS):
            email = f"shared-{n}@example.com"
            assert (store.get_user(email) is not None) == (email in shared)
        organization = store.default_organization_id()
        assert store.count_users(organization, UserFilter()) == 1 + len(created) + len(shared)

    figures = {
        "clients": CLIENTS,
        "requests": sum(log.requests for log in logs),
        "acknowledged_writes": acknowledged,
        "writes_found": found,
        "creates": len(created) + len(shared),
        "updates": sum(log.updates for log in logs),
        "email_conflicts": sum(log.conflicts for log in logs),
        "seconds": round(elapsed, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    with capsys.disabled():
        print("\nload test: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    assert found == acknowledged
