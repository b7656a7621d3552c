"""Running ``kili-typed`` as a real process, for the tests that need one.

Most tests call the command in-process; these helpers are for what only a real process
shows: the console script's exit status and streams, and ``kili-typed serve`` in the
foreground until it is interrupted.

- `run_kili_typed` runs a command to completion (``python -m kili_typed ...``).
- `run_python` runs a snippet in a fresh interpreter (what a cold import loads).
- `ServeProcess` starts ``kili-typed serve --port 0``, reads its banner as it comes, and
  stops it as Ctrl-C would.

Every wait here is bounded and waits for a condition (a banner line, an exit), never for
a fixed time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO

#: How long a command, or a server's banner line, may take before the test fails.
PROCESS_TIMEOUT_SECONDS = 120.0
#: How long an interrupted server may take to exit.
STOP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Result:
    """What one run of a command printed and returned."""

    status: int
    out: str
    err: str


def _environment(env: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}


def run_kili_typed(
    argv: Sequence[str], *, stdin: str = "", env: Mapping[str, str] | None = None
) -> Result:
    """Runs ``python -m kili_typed`` as a real process, without a terminal.

    Args:
        argv: The command's arguments.
        stdin: Its standard input.
        env: Variables added to (or replacing) this process's environment.

    Returns:
        Its exit status and what it printed.
    """
    return _run([sys.executable, "-m", "kili_typed", *argv], stdin=stdin, env=env)


def run_python(code: str, *, env: Mapping[str, str] | None = None) -> Result:
    """Runs ``python -c code`` in a fresh interpreter.

    Args:
        code: The snippet.
        env: Variables added to this process's environment.

    Returns:
        Its exit status and what it printed.
    """
    return _run([sys.executable, "-c", code], stdin="", env=env)


def _run(command: list[str], *, stdin: str, env: Mapping[str, str] | None) -> Result:
    completed = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
        env=_environment(env),
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


class _Lines:
    """The lines a stream has printed so far, read by a thread, with a wait for more."""

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None
        self.lines: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        try:
            for line in iter(stream.readline, ""):
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self._changed.notify_all()
        finally:
            with self._changed:
                self.ended = True
                self._changed.notify_all()

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float) -> bool:
        """Waits until ``found(lines)`` is true or the stream ends; returns ``found(lines)``."""
        with self._changed:
            self._changed.wait_for(lambda: found(self.lines) or self.ended, timeout)
            return found(self.lines)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


def _banner_name(line: str) -> str:
    return line.strip().partition(":")[0]


class ServeProcess:
    """``kili-typed serve --port 0 *args`` in a real process, stopped at the end of a block.

    Args:
        *args: More arguments of ``serve`` (``--db`` at least, under the test's tmp_path).
        env: Variables added to this process's environment.

    Examples:
        >>> with ServeProcess("--db", str(tmp_path / "k.db")) as served:  # doctest: +SKIP
        ...     served.wait_for("api key")
        ...     httpx.get(served.field("endpoint").replace("/graphql", "/version"))
    """

    def __init__(self, *args: str, env: Mapping[str, str] | None = None) -> None:
        # At the test hashing cost: production scrypt is tested once, in test_passwords.
        self.args = ("server", "serve", "--port", "0", "--insecure-test-hashing", *args)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kili_typed", *self.args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(env),
        )
        self._out = _Lines(self.process.stdout)
        self._err = _Lines(self.process.stderr)

    @property
    def lines(self) -> list[str]:
        """The banner lines printed so far, without their line ends."""
        return list(self._out.lines)

    def wait_for(self, name: str, timeout: float = PROCESS_TIMEOUT_SECONDS) -> None:
        """Waits until the banner has printed its line ``name: ...``.

        The banner's lines come in a fixed order, so every line above that one is there too.

        Raises:
            AssertionError: When the process ends, or ``timeout`` passes, without printing it.
        """
        if not self._out.wait_for(lambda lines: name in map(_banner_name, lines), timeout):
            raise AssertionError(
                f"kili-typed {' '.join(self.args)} printed no {name!r} line; "
                f"stdout: {self._out.lines}; stderr: {self._err.lines}"
            )

    def field(self, name: str) -> str:
        """The value of the banner's one line ``name: value``."""
        (value,) = [
            line.split(":", 1)[1].strip() for line in self.lines if _banner_name(line) == name
        ]
        return value

    def has_field(self, name: str) -> bool:
        """Whether the banner printed a line ``name: ...``."""
        return any(_banner_name(line) == name for line in self.lines)

    def stop(self) -> int:
        """Interrupts the server as Ctrl-C would, and waits for it.

        Returns:
            Its exit status: 130, as interrupted commands give.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        finally:
            self._kill()

    def _kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self._out.join(STOP_TIMEOUT_SECONDS)
        self._err.join(STOP_TIMEOUT_SECONDS)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
