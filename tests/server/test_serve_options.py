"""serve's options for load and latency experiments: --seed-users and --latency-ms."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from kili_typed_server import INSECURE_TEST_HASHER, LocalServer, Store
from kili_typed_server.administration import seed_email
from kili_typed_server.errors import BadUserInput
from kili_typed_server.testing import TEST_API_KEY, GraphQLCaller, make_test_server

COUNT = "{ countUsers(where: {}) }"


def serve_until(last_line: str, *args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Starts ``kili-typed serve`` at the test hashing cost and reads its banner up to the
    line named ``last_line``."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kili_typed",
            "serve",
            "--port",
            "0",
            "--insecure-test-hashing",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    fields: dict[str, str] = {}
    for line in process.stdout:
        name, _, value = line.strip().partition(":")
        fields.setdefault(name, value.strip())
        if name == last_line:
            break
    return process, fields


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    finally:
        process.kill()


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


def test_latency_delays_answers_without_blocking_the_server(
    tmp_path: Path, http: httpx.Client
) -> None:
    server = make_test_server(tmp_path / "kili.db", latency_ms=1500)
    with server:
        gql = GraphQLCaller(server.endpoint, TEST_API_KEY, http)
        done = threading.Event()

        def slow_query() -> None:
            with httpx.Client(timeout=30) as own:
                GraphQLCaller(server.endpoint, TEST_API_KEY, own)(COUNT)
            done.set()

        started = time.monotonic()
        thread = threading.Thread(target=slow_query)
        thread.start()
        # The version endpoint is not delayed and answers while the query still waits:
        # the delay is an asyncio sleep, not a blocked event loop.
        assert http.get(server.version_url).status_code == 200
        assert not done.is_set()
        thread.join()
        assert time.monotonic() - started >= 1.5
        assert gql(COUNT).status == 200


def test_negative_latency_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="latency_ms"):
        LocalServer(tmp_path / "kili.db", latency_ms=-1, hasher=INSECURE_TEST_HASHER).start()


def test_serve_command_takes_the_options(tmp_path: Path) -> None:
    process, fields = serve_until(
        "latency",
        "--db",
        str(tmp_path / "k.db"),
        "--seed-users",
        "20",
        "--latency-ms",
        "5",
        "--rate-limit",
        "1000",
    )
    try:
        assert fields["seed users"] == "20 (20 created now)"
        assert fields["rate limit"] == "1000 requests a minute per API key"
        assert fields["latency"] == "5 ms added to each GraphQL answer"
        assert fields["passwords"].startswith("INSECURE test-only hashing cost")
        with httpx.Client(timeout=30) as http:
            gql = GraphQLCaller(fields["endpoint"], fields["api key"], http)
            assert gql(COUNT).data == {"countUsers": 21}
    finally:
        stop(process)


@pytest.mark.parametrize(
    "args",
    [
        ("--rate-limit", "0"),
        ("--rate-limit", "-3"),
        ("--seed-users", "-1"),
        ("--latency-ms", "soon"),
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
