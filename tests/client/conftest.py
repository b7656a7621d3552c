"""Fixtures for the facade's tests: a real local server, a `Kili` on it, a request log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kili_typed import Kili
from kili_typed.server import LocalServer
from kili_typed.server.testing import make_test_server

#: Users the listing server holds besides its admin.
SEEDED = 249


class RequestLog:
    """Every request a `Kili` sends, as the GraphQL operation name it carried."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        import json

        self.operations.append(json.loads(request.content).get("operationName", "?"))

    def clear(self) -> None:
        self.operations.clear()


def attach_log(kili: Kili) -> RequestLog:
    log = RequestLog()
    kili._http.event_hooks["request"].append(log)
    return log


@pytest.fixture(scope="module")
def listing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server with 250 users (the admin first, then member000..member248), shared by a module."""
    with make_test_server(tmp_path_factory.mktemp("listing") / "kili.db") as server:
        for i in range(SEEDED):
            server.store.create_user(f"member{i:03d}@example.com", None, firstname=f"M{i}")
        yield server


@pytest.fixture
def lister(listing_server: LocalServer) -> Iterator[Kili]:
    with Kili(api_key=listing_server.api_key, api_endpoint=listing_server.endpoint) as kili:
        yield kili


@pytest.fixture
def kili(local_server: LocalServer) -> Iterator[Kili]:
    with Kili(api_key=local_server.api_key, api_endpoint=local_server.endpoint) as client:
        yield client


@pytest.fixture
def requests(kili: Kili) -> RequestLog:
    return attach_log(kili)


@pytest.fixture
def lister_requests(lister: Kili) -> RequestLog:
    return attach_log(lister)


__all__ = ["SEEDED", "Path", "RequestLog", "attach_log"]
