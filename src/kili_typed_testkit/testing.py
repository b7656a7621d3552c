"""Known test credentials, and helpers for kili-typed's own suite.

The credentials are public (``kili_typed_testkit.TEST_API_KEY``...). The helpers below them
(:func:`make_test_server`, :class:`GraphQLCaller`...) serve the project's tests, which start
bare servers; users start theirs with :class:`~kili_typed_testkit.KiliServer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER, PasswordHasher
from kili_typed_server.service.store import Store


class _Default:
    """Marks an argument left out."""


DEFAULT = _Default()

#: The admin's API key of a test server.
TEST_API_KEY = "kt_test-admin-key-0123456789abcdef"
#: The admin's email of a test server.
TEST_ADMIN_EMAIL = "admin@example.com"
#: The admin's password of a test server.
TEST_ADMIN_PASSWORD = "admin-pass-0123"


def make_test_server(
    db_path: str | Path,
    *,
    rate_limit: int | None = None,
    seed_users: int = 0,
    latency_ms: int = 0,
    hasher: PasswordHasher = INSECURE_TEST_HASHER,
    **options: Any,
) -> ServerThread:
    """Makes a (not yet started) server on ``db_path`` with the known test credentials.

    Passwords are hashed at :data:`~kili_typed_server.service.passwords.INSECURE_TEST_HASHER`'s
    trivial cost unless told otherwise: tests create many users, and production-strength
    scrypt would make hashing most of a suite's run time.

    Args:
        db_path: The SQLite file, usually under pytest's ``tmp_path``.
        rate_limit: As for :class:`ServerThread`.
        seed_users: As for :class:`ServerThread`.
        latency_ms: As for :class:`ServerThread`.
        hasher: As for :class:`ServerThread`; the test cost by default.
        **options: More keyword arguments of :class:`ServerThread` (``max_query_cost``,
            ``request_timeout``...).

    Returns:
        The server; use it as a context manager.
    """
    return ServerThread(
        db_path,
        api_key=TEST_API_KEY,
        admin_email=TEST_ADMIN_EMAIL,
        admin_password=TEST_ADMIN_PASSWORD,
        rate_limit=rate_limit,
        seed_users=seed_users,
        latency_ms=latency_ms,
        hasher=hasher,
        **options,
    )


#: A USER-role member that tests create with :func:`add_user_with_key`.
TEST_USER_EMAIL = "user@example.com"
#: That member's password.
TEST_USER_PASSWORD = "user-pass-0123"


@dataclass(frozen=True)
class Answer:
    """One HTTP answer of the GraphQL endpoint."""

    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        """The ``data`` member, asserting HTTP 200 and no errors."""
        assert self.status == 200 and "errors" not in self.body, self.body
        return self.body["data"]

    @property
    def code(self) -> str:
        """The ``extensions.code`` of the first error, asserting no ``data``: null after
        execution, absent when the request stopped before (parse, validation, variables)."""
        assert self.body.get("data") is None and self.body.get("errors"), self.body
        code: str = self.body["errors"][0]["extensions"]["code"]
        return code

    @property
    def message(self) -> str:
        """The message of the first error."""
        message: str = self.body["errors"][0]["message"]
        return message


class GraphQLCaller:
    """Posts raw GraphQL requests to a server, as a test would by hand.

    Args:
        endpoint: The GraphQL endpoint URL.
        api_key: The key sent by default.
        client: The HTTP client to use.
    """

    def __init__(self, endpoint: str, api_key: str | None, client: httpx.Client) -> None:
        self.endpoint = endpoint
        self.api_key = api_key
        self._client = client

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None | _Default = DEFAULT,
    ) -> Answer:
        """Sends one request.

        Args:
            query: The GraphQL document.
            variables: Its variables.
            key: The API key to send; the caller's default when omitted, none when ``None``.

        Returns:
            The answer's status and JSON body.
        """
        chosen = self.api_key if isinstance(key, _Default) else key
        headers = {} if chosen is None else {"Authorization": f"X-API-Key: {chosen}"}
        response = self._client.post(
            self.endpoint, json={"query": query, "variables": variables}, headers=headers
        )
        return Answer(response.status_code, response.json())


def add_user_with_key(
    store: Store,
    email: str = TEST_USER_EMAIL,
    password: str | None = TEST_USER_PASSWORD,
    role: str = "USER",
) -> str:
    """Creates a member of the first organization and returns a new API key of theirs.

    Args:
        store: The server's store.
        email: The member's email.
        password: The member's password.
        role: ``USER`` or ``ADMIN``.

    Returns:
        The member's new API key.
    """
    store.create_user(email, password, organization_role=role, firstname="Una", lastname="User")
    key, _ = store.create_api_key(email, name="test key")
    return key
