"""Fixtures for the client commands: a local server, its key and endpoint in the
environment, and a way to run ``kili-typed`` in-process (see ``tests.processes`` for a real one)."""

from __future__ import annotations

import io
import socket
import sys

import pytest

from kili_typed._cli import main
from kili_typed_server import LocalServer
from tests.processes import Result


class TTYText(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def env(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    """The local server, with ``KILI_API_KEY`` and ``KILI_API_ENDPOINT`` pointing at it."""
    monkeypatch.setenv("KILI_API_KEY", local_server.api_key)
    monkeypatch.setenv("KILI_API_ENDPOINT", local_server.endpoint)
    return local_server


class InProcess:
    """Runs ``kili-typed`` through `main(argv)`, with a given standard input."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> Result:
        self._capsys.readouterr()
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(argv))
        except SystemExit as exit_:  # argparse: --help and usage errors
            status = int(exit_.code or 0)
        captured = self._capsys.readouterr()
        return Result(status, captured.out, captured.err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    """Runs the command in this process."""
    return InProcess(capsys, monkeypatch)


def closed_port_endpoint() -> str:
    """An endpoint on a loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/label/v2/graphql"


def one_line(err: str) -> str:
    """The single line a failing command prints, asserting there is only one."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


__all__ = [
    "InProcess",
    "Result",
    "TTYText",
    "closed_port_endpoint",
    "one_line",
]
