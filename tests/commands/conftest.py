"""Fixtures for the client commands: a local server, its key and endpoint in the
environment, and a way to run ``kili-typed`` in-process (see ``tests.processes`` for a real one)."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

from kili_typed import Kili
from kili_typed._cli import main
from kili_typed_testkit.server import KiliServer
from tests.processes import Result


class TTYText(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def env(kili_server: KiliServer, monkeypatch: pytest.MonkeyPatch) -> KiliServer:
    """The local server, with ``KILI_API_KEY`` and ``KILI_API_ENDPOINT`` pointing at it."""
    monkeypatch.setenv("KILI_API_KEY", kili_server.api_key)
    monkeypatch.setenv("KILI_API_ENDPOINT", kili_server.endpoint)
    return kili_server


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
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts of every client a command makes: recorded, not slept."""
    waits: list[float] = []
    make = Kili.__init__

    def make_without_waiting(self: Kili, *args: Any, **kwargs: Any) -> None:
        make(self, *args, **kwargs)
        self._sleep = waits.append

    monkeypatch.setattr(Kili, "__init__", make_without_waiting)
    return waits


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    """Runs the command in this process."""
    return InProcess(capsys, monkeypatch)


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
    "one_line",
]
