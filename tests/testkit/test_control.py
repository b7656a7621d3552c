"""``kili-typed serve --control-token-file``: the test kit's controls over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kili_typed_testkit.testing import TEST_API_KEY, GraphQLCaller

TOKEN = "control-token-0123456789abcdef"
COUNT = "{ countUsers(where: {}) }"
CREATE = "mutation($data: CreateUserData!) { createUser(data: $data) { id } }"


@dataclass
class Served:
    endpoint: str
    control: str
    banner: str


def serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], Served]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kili_typed",
            "serve",
            "--db",
            str(tmp_path / "kili.db"),
            "--port",
            "0",
            "--insecure-test-hashing",
            "--api-key",
            TEST_API_KEY,
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines: list[str] = []
    fields: dict[str, str] = {}
    for line in process.stdout:
        lines.append(line)
        name, _, value = line.strip().partition(":")
        fields.setdefault(name, value.strip())
        if name == "control API" or (name == "api key" and "--control-token-file" not in args):
            break
    return process, Served(
        fields.get("endpoint", ""), fields.get("control API", "").split(" ")[0], "".join(lines)
    )


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    finally:
        process.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("control")
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    (tmp_path / "users.json").write_text(
        json.dumps({"users": [{"email": "ada@example.com", "password": "Lovelace-1815"}]}),
        encoding="utf-8",
    )
    process, found = serve(
        tmp_path,
        "--control-token-file",
        str(tmp_path / "token"),
        "--seed-file",
        str(tmp_path / "users.json"),
    )
    try:
        yield found
    finally:
        stop(process)


@pytest.fixture
def control(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=served.control, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ) as client:
        client.post("/reset").raise_for_status()
        yield client


@pytest.fixture
def gql(served: Served) -> Iterator[GraphQLCaller]:
    with httpx.Client(timeout=10) as client:
        yield GraphQLCaller(served.endpoint, TEST_API_KEY, client)


def test_the_banner_names_the_control_api_and_never_the_token(served: Served) -> None:
    assert served.control.endswith("/kili-typed/control")
    assert "1 users created now" in served.banner
    assert TOKEN not in served.banner


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789abcdef"}, {"Authorization": TOKEN}],
    ids=["none", "wrong", "not-bearer"],
)
def test_refused_without_the_token(served: Served, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=served.control, headers=headers, timeout=10) as client:
        for method, path in [("POST", "/reset"), ("GET", "/requests"), ("POST", "/faults")]:
            answer = client.request(method, path, json={"status": 503})
            assert answer.status_code == 401, (method, path)
            assert TOKEN not in answer.text
    with httpx.Client(timeout=10) as client:  # and no fault was added
        assert GraphQLCaller(served.endpoint, TEST_API_KEY, client)(COUNT).status == 200


def test_reset_goes_back_to_the_state_at_start(control: httpx.Client, gql: GraphQLCaller) -> None:
    data = {"email": "bob@example.com", "password": "Bob-pass-1234", "organizationRole": "USER"}
    assert gql(CREATE, {"data": data}).status == 200
    assert gql(COUNT).data == {"countUsers": 3}
    assert control.post("/reset").json() == {"reset": True}
    assert gql(COUNT).data == {"countUsers": 2}  # the admin and the seed file's user


def test_seed(control: httpx.Client, gql: GraphQLCaller) -> None:
    answer = control.post("/seed", json={"users": 10, "seed": [{"email": "c@example.com"}]})
    assert answer.json() == {"created": 11}
    assert gql(COUNT).data == {"countUsers": 13}
    refused = control.post("/seed", json={"seed": [{"emial": "x@example.com"}]})
    assert refused.status_code == 400
    assert "unknown member 'emial'" in refused.json()["error"]


def test_faults_and_the_request_log(control: httpx.Client, gql: GraphQLCaller) -> None:
    added = control.post("/faults", json={"operation": "countUsers", "status": 503})
    assert added.status_code == 201
    assert added.json()["fault"]["status"] == 503
    assert len(control.get("/faults").json()["faults"]) == 1
    data = {"email": "d@example.com", "password": "Dpass-12345", "organizationRole": "USER"}
    assert gql(CREATE, {"data": data}).status == 200
    with pytest.raises(json.JSONDecodeError):
        gql(COUNT)  # the injected 503's body is plain text
    assert gql(COUNT).status == 200
    requests = control.get("/requests").json()["requests"]
    assert [(r["operation"], r["status"]) for r in requests] == [
        ("createUser", 200),
        ("countUsers", 503),
        ("countUsers", 200),
    ]
    assert requests[0]["variables"]["data"]["password"] == "<redacted>"
    assert requests[1]["fault"]["status"] == 503
    control.post("/faults", json={"status": 500, "times": 3})
    assert control.delete("/faults").json() == {"cleared": True}
    assert control.get("/faults").json() == {"faults": []}


def test_a_bad_fault_is_refused_with_the_reason(control: httpx.Client) -> None:
    answer = control.post("/faults", json={"operation": "countUser", "status": 503})
    assert answer.status_code == 400
    assert "unknown operation 'countUser'" in answer.json()["error"]
    assert control.post("/faults", json={"colour": "red"}).status_code == 400


@pytest.mark.parametrize("raw", ['{"delay": NaN}', '{"delay": Infinity}', '{"delay": -Infinity}'])
def test_a_non_finite_number_is_refused(
    control: httpx.Client, gql: GraphQLCaller, raw: str
) -> None:
    # Before: {"delay": NaN} was kept; GET /faults then answered 400 and every GraphQL
    # request a 500 with a traceback, until the faults were cleared.
    headers = {"Content-Type": "application/json"}
    answer = control.post("/faults", content=raw, headers=headers)
    assert answer.status_code == 400
    assert "is not a JSON number: give finite numbers only" in answer.json()["error"]
    assert control.get("/faults").json() == {"faults": []}
    assert gql(COUNT).status == 200


def test_a_delay_longer_than_the_request_timeout_is_refused(
    control: httpx.Client, gql: GraphQLCaller
) -> None:
    # Before: {"delay": 1e308} hung the next request, and then serve ignored SIGTERM.
    answer = control.post("/faults", json={"delay": 1e308})
    assert answer.status_code == 400
    assert "delay must be at most the server's request timeout, 10 s" in answer.json()["error"]
    assert control.get("/faults").json() == {"faults": []}
    assert control.post("/faults", json={"delay": 0.01}).status_code == 201
    assert gql(COUNT).status == 200


def test_serve_stops_on_sigterm_while_a_request_waits(tmp_path: Path) -> None:
    # Before: a request held by a long delay kept serve running after SIGTERM until the
    # delay ended (with a delay of 1e308, for good).
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    process, found = serve(
        tmp_path, "--control-token-file", str(tmp_path / "token"), "--request-timeout", "600"
    )
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=found.control, headers=headers, timeout=10) as control:
            control.post("/faults", json={"delay": 500}).raise_for_status()
        started = threading.Event()

        def hang() -> None:
            with httpx.Client(timeout=600) as client:
                started.set()
                with contextlib.suppress(httpx.HTTPError):
                    GraphQLCaller(found.endpoint, TEST_API_KEY, client)(COUNT)

        thread = threading.Thread(target=hang, daemon=True)
        thread.start()
        started.wait(10)
        # The hanging request is in: the fault is spent once it hits.
        with httpx.Client(base_url=found.control, headers=headers, timeout=10) as control:
            for _ in range(100):
                if not control.get("/faults").json()["faults"]:
                    break
                threading.Event().wait(0.1)
        process.send_signal(signal.SIGTERM)
        # Far less than the delay: serve cancels what still runs a few seconds after.
        assert process.wait(timeout=120) is not None
    finally:
        process.kill()
        process.wait()


def test_off_by_default(tmp_path: Path) -> None:
    process, found = serve(tmp_path)
    try:
        with httpx.Client(timeout=10) as client:
            base = found.endpoint.split("/api/")[0]
            answer = client.post(base + "/kili-typed/control/reset")
            assert answer.status_code == 404
    finally:
        stop(process)


@pytest.mark.parametrize("content", ["short", "", "has a space in it 0123456789"])
def test_a_weak_token_file_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "token").write_text(content, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kili_typed",
            "serve",
            "--db",
            str(tmp_path / "kili.db"),
            "--control-token-file",
            str(tmp_path / "token"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "at least 16 characters" in done.stderr
    if content:
        assert content not in done.stderr
