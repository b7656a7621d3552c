"""serve's options for load and latency experiments: --seed-users and --latency-ms."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest

from kili_typed_server import INSECURE_TEST_HASHER, Store
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core.errors import BadUserInput
from kili_typed_server.http import app
from kili_typed_server.service.administration import seed_email
from kili_typed_testkit.testing import TEST_API_KEY, GraphQLCaller, make_test_server
from tests.processes import ServeProcess

COUNT = "{ countUsers(where: {}) }"


def test_seed_users_then_list_them(tmp_path: Path, http: httpx.Client) -> None:
    server = make_test_server(tmp_path / "kili.db", seed_users=250)
    with server:
        assert server.seeded == 250
        gql = GraphQLCaller(server.endpoint, TEST_API_KEY, http)
        assert gql(COUNT).data == {"countUsers": 251}
        page = gql(
            "query($w: UserWhere!) { users(where: $w, first: 100, skip: 200) "
            "{ email firstname lastname organizationRole activated } }",
            {"w": {}},
        ).data["users"]
        # The admin first, then the seeded users in order.
        assert [u["email"] for u in page] == [seed_email(n) for n in range(200, 251)]
        assert page[-1] == {
            "email": "seed-000250@seed.kili-local.test",
            "firstname": "Seed",
            "lastname": "User 250",
            "organizationRole": "USER",
            "activated": True,
        }
        assert not server.store.check_password(seed_email(1), "")
    # Seeding again creates only the missing ones.
    server = make_test_server(tmp_path / "kili.db", seed_users=300)
    with server:
        assert server.seeded == 50
        assert GraphQLCaller(server.endpoint, TEST_API_KEY, http)(COUNT).data == {"countUsers": 301}


def test_seeding_is_bulk_and_idempotent(tmp_path: Path) -> None:
    with Store(tmp_path / "kili.db", hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap()
        assert store.seed_users(10_000) == 10_000
        assert store.seed_users(10_000) == 0
        assert store.seed_users(0) == 0
        with pytest.raises(BadUserInput):
            store.seed_users(-1)


class HeldSleep:
    """Stands in for the server's ``asyncio.sleep``: notes each delay and holds it until
    released, without blocking the event loop, so no test waits for the delay itself."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.holding = threading.Event()
        self.release = threading.Event()

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.holding.set()
        # Awaits the release in a worker thread: the loop keeps serving meanwhile.
        assert await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)


def test_latency_delays_answers_without_blocking_the_server(
    tmp_path: Path, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSleep()
    monkeypatch.setattr(app, "latency_sleep", held.sleep)
    with make_test_server(tmp_path / "kili.db", latency_ms=1500) as server:
        answers: list[object] = []

        def slow_query() -> None:
            with httpx.Client(timeout=30) as own:
                answers.append(GraphQLCaller(server.endpoint, TEST_API_KEY, own)(COUNT).data)

        thread = threading.Thread(target=slow_query)
        thread.start()
        try:
            assert held.holding.wait(30)
            assert held.delays == [1.5]
            # The version endpoint is not delayed and answers while the query still waits:
            # the delay is awaited, not a blocked event loop.
            assert http.get(server.version_url).status_code == 200
            assert thread.is_alive() and answers == []  # the answer waits for the delay
        finally:
            held.release.set()
            thread.join(30)
        assert answers == [{"countUsers": 1}]


def test_negative_latency_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="latency_ms"):
        ServerThread(tmp_path / "kili.db", latency_ms=-1, hasher=INSECURE_TEST_HASHER).start()


def test_serve_command_takes_the_options(tmp_path: Path) -> None:
    with ServeProcess(
        "--db",
        str(tmp_path / "k.db"),
        "--seed-users",
        "20",
        "--latency-ms",
        "5",
        "--rate-limit",
        "1000",
    ) as served:
        served.wait_for("latency")
        assert served.field("seed users") == "20 (20 created now)"
        assert served.field("rate limit") == "1000 requests a minute per API key"
        assert served.field("latency") == "5 ms added to each GraphQL answer"
        assert served.field("passwords").startswith("INSECURE test-only hashing cost")
        with httpx.Client(timeout=30) as http:
            gql = GraphQLCaller(served.field("endpoint"), served.field("api key"), http)
            assert gql(COUNT).data == {"countUsers": 21}


def test_serve_command_takes_the_budgets(tmp_path: Path) -> None:
    with ServeProcess(
        "--db", str(tmp_path / "k.db"), "--max-query-cost", "30", "--request-timeout", "2.5"
    ) as served:
        served.wait_for("timeout")
        assert served.field("query cost") == "at most 30 units of work a request"
        assert served.field("timeout") == "queries stopped after 2.5 s"
        with httpx.Client(timeout=30) as http:
            gql = GraphQLCaller(served.field("endpoint"), served.field("api key"), http)
            assert gql(COUNT).data == {"countUsers": 1}
            answer = gql("{ users(where: {}, first: 20) { id email } }")
            assert answer.status == 400 and "more than the 30 one request" in answer.message


@pytest.mark.parametrize(
    "args",
    [
        ("--rate-limit", "0"),
        ("--rate-limit", "-3"),
        ("--seed-users", "-1"),
        ("--latency-ms", "soon"),
        ("--max-query-cost", "0"),
        ("--request-timeout", "0"),
        ("--request-timeout", "nan"),
        ("--request-timeout", "soon"),
    ],
)
def test_serve_refuses_bad_option_values(
    args: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from kili_typed._cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *args])
    assert exit_info.value.code == 2
    assert args[0] in capsys.readouterr().err
