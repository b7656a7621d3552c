"""The test kit's app keeps every guard of the server's app (issue 20).

Under the pytest plugin (and ``serve --control-token-file``) requests go through
``InstrumentedApp`` first: it must check the key before reading a body, read bodies
under the same deadline, and keep no trace of requests without a valid key.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from kili_typed_server.cli.runner import is_loopback
from kili_typed_server.core import limits
from kili_typed_server.instruments.recording import RequestLog
from kili_typed_testkit import KiliServer
from kili_typed_testkit.testing import TEST_API_KEY

HEAD = (
    "POST /api/label/v2/graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
)


def send_head(server: KiliServer, head: str) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(head.encode())
    return sock


def status_of(sock: socket.socket) -> int:
    answer = sock.recv(65536)
    return int(answer.split(b" ", 2)[1])


@pytest.mark.timeout(60)
def test_a_keyless_request_is_refused_before_its_body(kili_server: KiliServer) -> None:
    # Before: a keyless POST declaring 1 MB got no answer after 45 s.
    head = HEAD + f"Content-Length: {limits.MAX_BODY_BYTES}\r\n\r\n"
    with send_head(kili_server, head) as sock:
        assert status_of(sock) == 401
    wrong = HEAD + "Authorization: X-API-Key: not-a-key-at-all\r\nContent-Length: 1000\r\n\r\n"
    with send_head(kili_server, wrong) as sock:
        assert status_of(sock) == 401
    assert len(kili_server.requests) == 0


def test_requests_without_a_valid_key_are_not_recorded(kili_server: KiliServer) -> None:
    with httpx.Client(trust_env=False, timeout=10) as client:
        body = {"query": "{ countUsers(where: {}) }", "variables": {"blob": "x" * 1000}}
        assert client.post(kili_server.endpoint, json=body).status_code == 401
        headers = {"Authorization": "X-API-Key: unknown-key-0123456789"}
        assert client.post(kili_server.endpoint, json=body, headers=headers).status_code == 401
        headers = {"Authorization": f"X-API-Key: {TEST_API_KEY}"}
        assert client.post(kili_server.endpoint, json=body, headers=headers).status_code == 200
    assert kili_server.requests.operations == ["countUsers"]


@pytest.mark.timeout(60)
def test_a_body_must_arrive_in_time(
    kili_server: KiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "BODY_READ_TIMEOUT_SECONDS", 0.5)
    head = HEAD + f"Authorization: X-API-Key: {TEST_API_KEY}\r\nContent-Length: 100\r\n\r\n"
    with send_head(kili_server, head) as sock:
        sock.sendall(b'{"query": ')  # and no more
        assert status_of(sock) == 408
    assert len(kili_server.requests) == 0


def test_a_document_over_the_token_cap_is_refused(kili_server: KiliServer) -> None:
    query = "{ viewer { " + "id " * (limits.MAX_QUERY_TOKENS + 10) + "} }"
    with httpx.Client(trust_env=False, timeout=10) as client:
        headers = {"Authorization": f"X-API-Key: {TEST_API_KEY}"}
        answer = client.post(kili_server.endpoint, json={"query": query}, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert [r.operation for r in kili_server.requests] == [None]


def test_the_request_log_keeps_the_most_recent() -> None:
    log = RequestLog(max_requests=3, max_bytes=1000)
    tickets = [log.start("POST", "/", "countUsers", None, None, None, size=10) for _ in range(5)]
    log.finish(tickets[0], 200)  # forgotten: nothing to record
    log.finish(tickets[4], 200)
    kept = log.snapshot()
    assert [r.index for r in kept] == [3, 4, 5]
    assert [r.status for r in kept] == [None, None, 200]
    log.start("POST", "/", "users", None, None, None, size=995)
    assert [r.index for r in log.snapshot()] == [6]  # the bytes kept are bounded too


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.com", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_warns_when_its_host_is_not_loopback(
    host: str,
    warned: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No test listens on other interfaces: the socket is bound on loopback whatever the
    # host asked for, and uvicorn returns at once; the banner is what `serve` prints.
    import uvicorn

    from kili_typed._cli import main
    from kili_typed_server.cli import runner

    def loopback_socket(_host: str, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", port))
        return sock

    monkeypatch.setattr(runner, "bind_socket", loopback_socket)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    db = tmp_path / "k.db"
    argv = ["server", "serve", "--host", host, "--port", "0", "--db", str(db)]
    assert main([*argv, "--insecure-test-hashing"]) == 0
    out = capsys.readouterr().out
    assert (f"WARNING:      listening on {host}, reachable from other machines" in out) is warned
