"""Fixtures for the facade's tests: a real local server, a `Kili` on it, a request log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kili_typed import Kili
from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.server import KiliServer
from kili_typed_testkit.testing import make_test_server

from .facades import KINDS, RequestLog, attach_log, make_facade

#: Users the listing server holds besides its admin.
SEEDED = 249


@pytest.fixture(scope="module")
def listing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """A server with 250 users (the admin first, then member000..member248), shared by a module."""
    with make_test_server(tmp_path_factory.mktemp("listing") / "kili.db") as server:
        for i in range(SEEDED):
            server.store.create_user(f"member{i:03d}@example.com", None, firstname=f"M{i}")
        yield server


@pytest.fixture(params=KINDS)
def facade(request: pytest.FixtureRequest) -> str:
    """Which facade a test runs against: "sync" (Kili) or "async" (AsyncKili)."""
    kind: str = request.param
    return kind


@pytest.fixture
def lister(listing_server: ServerThread, facade: str) -> Iterator[Kili]:
    options = {"api_key": listing_server.api_key, "api_endpoint": listing_server.endpoint}
    with make_facade(facade, **options) as kili:
        yield kili


@pytest.fixture
def kili(kili_server: KiliServer, facade: str) -> Iterator[Kili]:
    options = {"api_key": kili_server.api_key, "api_endpoint": kili_server.endpoint}
    with make_facade(facade, **options) as client:
        yield client


@pytest.fixture
def requests(kili: Kili) -> RequestLog:
    return attach_log(kili)


@pytest.fixture
def lister_requests(lister: Kili) -> RequestLog:
    return attach_log(lister)
