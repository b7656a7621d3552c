"""The pytest plugin of kili-typed: a local Kili server, clients on it, and their environment.

Registered through the ``pytest11`` entry point, so installing ``kili-typed[server]`` is
enough. It imports only pytest and the standard library until a test uses one of its
fixtures:

``kili_server``
    The session's local server (:class:`~kili_typed_testkit.server.KiliServer`), reset
    before the test to the bootstrap organization, admin and key: ``.endpoint``,
    ``.api_key``, ``.store``, ``.faults``, ``.requests``, ``.seed_users(n)``,
    ``.seed_file(path)``.
``kili`` / ``async_kili``
    A ``Kili`` / ``AsyncKili`` on it, as the admin. ``async_kili`` is a plain fixture
    (no async fixture, so any async test plugin runs the tests: pytest-asyncio, anyio).
``kili_env``
    ``KILI_API_KEY``, ``KILI_API_ENDPOINT`` and ``KILI_SDK_SKIP_CHECKS`` set for the test,
    so code building its own client (kili-typed's or the official SDK's) reaches the server.

The marker ``@pytest.mark.kili_server(seed_users=N, seed_file=PATH, latency_ms=N,
rate_limit=N, max_query_cost=N, request_timeout=SECONDS, max_concurrent_requests=N,
in_process=True)`` sets them for
one test; the ``--kili-*`` options (or ``kili_*`` ini settings) for the session. See
docs/testing.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kili_typed import AsyncKili, Kili
    from kili_typed_testkit.server import KiliServer

MARKER = "kili_server"
#: The marker's keyword arguments, with what each one does.
MARKER_OPTIONS = {
    "seed_users": "seeded users the test starts with",
    "seed_file": "a JSON/YAML file of users the test starts with (relative to the test file)",
    "latency_ms": "milliseconds added before each GraphQL answer",
    "rate_limit": "GraphQL requests allowed a minute per API key (429 beyond)",
    "max_query_cost": "units of work one request may take (refused with 400 beyond)",
    "request_timeout": "seconds a query may run before it is stopped",
    "max_concurrent_requests": "GraphQL requests of one API key run at once (0: no limit)",
    "in_process": "clients call the server's ASGI app directly, with no socket",
}
#: Session options: (command-line flag, ini name, help).
_OPTIONS = (
    ("--kili-seed-users", "kili_seed_users", "seeded users every test starts with"),
    ("--kili-seed-file", "kili_seed_file", "JSON/YAML file of users every test starts with"),
    ("--kili-latency-ms", "kili_latency_ms", "milliseconds added before each GraphQL answer"),
    ("--kili-rate-limit", "kili_rate_limit", "GraphQL requests a minute per API key"),
    ("--kili-max-query-cost", "kili_max_query_cost", "units of work one request may take"),
    ("--kili-request-timeout", "kili_request_timeout", "seconds a query may run"),
    (
        "--kili-max-concurrent-requests",
        "kili_max_concurrent_requests",
        "GraphQL requests of one API key run at once (0: no limit)",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Adds the session options of the local Kili server."""
    group = parser.getgroup("kili-typed", "kili-typed's local Kili server")
    for flag, ini, text in _OPTIONS:
        group.addoption(flag, dest=ini, metavar="VALUE", default=None, help=text)
        parser.addini(ini, text, default=None)
    group.addoption(
        "--kili-in-process",
        dest="kili_in_process",
        action="store_true",
        default=None,
        help="clients call the server's app directly (no socket) unless a test says otherwise",
    )
    parser.addini("kili_in_process", "clients call the server's app directly", type="bool")


def pytest_configure(config: pytest.Config) -> None:
    """Registers the ``kili_server`` marker."""
    arguments = ", ".join(f"{name}=..." for name in MARKER_OPTIONS)
    config.addinivalue_line(
        "markers",
        f"{MARKER}({arguments}): how the local Kili server behaves for this test "
        "(kili-typed's plugin)",
    )


def _setting(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name, default=None)
    return config.getini(name) if value is None else value


def _whole(config: pytest.Config, name: str, default: int | None, minimum: int = 0) -> int | None:
    value = _setting(config, name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise pytest.UsageError(f"{name} must be {minimum} or more, got {number}")
    return number


def _seconds(config: pytest.Config, name: str) -> float | None:
    value = _setting(config, name)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"{name} must be a number of seconds, got {value!r}") from None
    if not 0 < number < float("inf"):
        raise pytest.UsageError(f"{name} must be more than 0 seconds, got {value!r}")
    return number


@pytest.fixture(scope="session")
def kili_server_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KiliServer]:
    """The session's local Kili server, without the per-test reset of ``kili_server``.

    Started on first use, on a fresh SQLite file under pytest's temporary directory, with
    the session options; stopped when the session ends.
    """
    try:
        from kili_typed_testkit.server import KiliServer
    except ImportError as error:
        pytest.fail(
            "the kili_server fixture needs the local server's extra: "
            f"pip install 'kili-typed[server]' ({error})",
            pytrace=False,
        )
    seed_file = _setting(pytestconfig, "kili_seed_file") or None
    budgets: dict[str, Any] = {}
    cost = _whole(pytestconfig, "kili_max_query_cost", None, minimum=1)
    if cost is not None:
        budgets["max_query_cost"] = cost
    timeout = _seconds(pytestconfig, "kili_request_timeout")
    if timeout is not None:
        budgets["request_timeout"] = timeout
    concurrency = _whole(pytestconfig, "kili_max_concurrent_requests", None)
    if concurrency is not None:
        budgets["max_concurrent_requests"] = concurrency or None
    server = KiliServer(
        tmp_path_factory.mktemp("kili-server") / "kili.db",
        seed_users=_whole(pytestconfig, "kili_seed_users", 0) or 0,
        seed_file=None if seed_file is None else Path(pytestconfig.rootpath, seed_file),
        latency_ms=_whole(pytestconfig, "kili_latency_ms", 0) or 0,
        rate_limit=_whole(pytestconfig, "kili_rate_limit", None, minimum=1),
        mode="in-process" if _setting(pytestconfig, "kili_in_process") else "thread",
        **budgets,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``kili_server`` marker's options for a test (the closest marker wins).

    Raises:
        pytest.UsageError: On a positional argument or an unknown option.
    """
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER} takes keyword arguments only: {', '.join(MARKER_OPTIONS)}"
            )
        for name in marker.kwargs:
            if name not in MARKER_OPTIONS:
                raise pytest.UsageError(
                    f"@pytest.mark.{MARKER}: unknown option {name!r}; accepted: "
                    f"{', '.join(MARKER_OPTIONS)}"
                )
        options.update(marker.kwargs)
    seed_file = options.get("seed_file")
    if seed_file is not None and not Path(seed_file).is_absolute():
        options["seed_file"] = Path(request.path).parent / seed_file
    return options


@pytest.fixture
def kili_server(request: pytest.FixtureRequest, kili_server_session: KiliServer) -> KiliServer:
    """The local Kili server, reset for this test: only the bootstrap organization, admin
    and key (plus the session's seeds and this test's marker seeds); no faults; no
    requests recorded yet."""
    kili_server_session.reset(**marker_options(request))
    return kili_server_session


@pytest.fixture
def kili(kili_server: KiliServer) -> Iterator[Kili]:
    """A ``kili_typed.Kili`` on the local server, as its admin; closed after the test."""
    with kili_server.kili() as client:
        yield client


@pytest.fixture
def async_kili(kili_server: KiliServer) -> AsyncKili:
    """A ``kili_typed.AsyncKili`` on the local server, as its admin.

    A plain fixture: it holds no connection between requests, so it needs no closing on
    whichever event loop the test ran, and any async plugin can run the test.
    """
    return kili_server.async_kili()


@pytest.fixture
def kili_env(kili_server: KiliServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Sets ``KILI_API_KEY``, ``KILI_API_ENDPOINT`` and ``KILI_SDK_SKIP_CHECKS`` for the test.

    Code that builds its own client (``kili_typed.Kili()``, or the official SDK's
    ``kili.client.Kili()``) then reaches the local server; the loopback addresses are added
    to ``NO_PROXY`` so that no proxy of the environment sees the traffic.

    Returns:
        The variables set (the key is a test key of the local server only).
    """
    variables = kili_server.env()
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        loopback = "127.0.0.1,localhost"
        monkeypatch.setenv(name, f"{current},{loopback}" if current else loopback)
    return variables
