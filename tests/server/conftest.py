"""Fixtures of the server's tests: a GraphQL caller over real HTTP and a USER-role key."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_API_KEY, GraphQLCaller, add_user_with_key


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def gql(local_server: ServerThread, http: httpx.Client) -> GraphQLCaller:
    """Posts GraphQL requests to the local server, with the admin's key by default."""
    return GraphQLCaller(local_server.endpoint, TEST_API_KEY, http)


@pytest.fixture
def user_key(local_server: ServerThread) -> str:
    """The API key of a USER-role member of the admin's organization."""
    return add_user_with_key(local_server.store)
