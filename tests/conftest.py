"""Shared fixtures.

``local_server`` runs the real local Kili server over HTTP on a loopback port, with a fresh
SQLite file and the known credentials of ``kili_typed_testkit.testing``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import make_test_server
from tests import hypothesis_profiles
from tests.client.faults import MUTATION_RUNS


class BackgroundStops:
    """Stops servers in worker threads, so that no test waits for the shutdown of the one
    the test before it used.

    A server's stop takes about 0.2 s, mostly uvicorn's shutdown pauses, and nothing
    observes it once a fresh-database test is over: run after every test, those pauses
    were a third of the suite's time. `wait` is called at the end of the session, so that
    every server is stopped, and a failed stop fails the run, before pytest exits.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="stop-server")
        self._stops: list[Future[None]] = []

    def stop(self, server: ServerThread) -> None:
        """Starts stopping `server`."""
        self._stops.append(self._pool.submit(server.stop))

    def wait(self) -> None:
        """Waits for every stop started; raises the first failure."""
        try:
            for stop in self._stops:
                stop.result()
        finally:
            self._pool.shutdown()


@pytest.fixture(scope="session")
def background_stops() -> Iterator[BackgroundStops]:
    stops = BackgroundStops()
    yield stops
    stops.wait()


@pytest.fixture
def local_server(tmp_path: Path, background_stops: BackgroundStops) -> Iterator[ServerThread]:
    """A running local server on a fresh database; stopped in the background after the test."""
    server = make_test_server(tmp_path / "kili-test.db").start()
    try:
        yield server
    finally:
        background_stops.stop(server)


@pytest.fixture
def refused_endpoint() -> Iterator[str]:
    """A GraphQL endpoint on a loopback port where connecting is refused.

    The port stays bound, though not listening, until the test ends: no other server (one
    that a parallel test starts on a free port, say) can take it meanwhile.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/label/v2/graphql"


# ---------------------------------------------------------------- the fault tests' summary

#: (mutation, times the real server ran it), as the fault tests recorded them.
_mutation_runs: list[tuple[str, int]] = []


def pytest_report_header() -> str:
    return (
        f"hypothesis profile: {hypothesis_profiles.PROFILE} "
        "(CI=true runs every property test's full example count)"
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collects the mutation runs the fault tests recorded, from xdist workers too."""
    if report.when != "teardown":  # its report holds every property the test recorded
        return
    for name, value in report.user_properties:
        if name == MUTATION_RUNS:
            operation, runs = cast("tuple[str, int]", value)
            _mutation_runs.append((operation, runs))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Says how many mutations ran under faults, and how many the server ran twice."""
    if _mutation_runs:
        ran = sum(runs for _, runs in _mutation_runs)
        duplicates = sum(runs - 1 for _, runs in _mutation_runs if runs > 1)
        terminalreporter.write_line(
            f"fault tests: {len(_mutation_runs)} mutation calls under faults, "
            f"{ran} run by the server, duplicate writes: {duplicates}"
        )
