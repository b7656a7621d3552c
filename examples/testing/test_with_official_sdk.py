"""Testing code that uses the official Kili SDK, offline, with kili-typed's pytest plugin.

The SDK is left as it is: ``kili_env`` sets ``KILI_API_KEY``, ``KILI_API_ENDPOINT`` and
``KILI_SDK_SKIP_CHECKS`` for the test, so ``Kili()`` built anywhere in your code reaches
the local server. Install ``kili``, ``kili-typed[server]`` and pytest.
"""

from __future__ import annotations

import pytest
from kili.client import Kili
from kili.exceptions import MutationOutcomeUnknownError

from kili_typed_testkit import KiliServer

PASSWORD = "Welcome-2026"


def test_lists_users(kili_env: dict[str, str]) -> None:
    kili = Kili()  # configured by the environment only
    kili.create_user(email="ada@example.com", password=PASSWORD, organization_role="USER")
    users = kili.users(fields=["email"], disable_tqdm=True)
    assert [user["email"] for user in users] == ["admin@example.com", "ada@example.com"]


def test_sees_none_of_the_previous_tests_users(kili_env: dict[str, str]) -> None:
    assert Kili().count_users() == 1


def test_a_query_is_retried_after_a_503(kili_env: dict[str, str], kili_server: KiliServer) -> None:
    kili_server.faults.add("countUsers", status=503, retry_after=0)
    assert Kili().count_users() == 1
    assert [r.status for r in kili_server.requests.of("countUsers")] == [503, 200]


def test_a_lost_answer_to_create_user(kili_env: dict[str, str], kili_server: KiliServer) -> None:
    kili_server.faults.add("createUser", status=502, after_processing=True)
    kili = Kili()
    with pytest.raises(MutationOutcomeUnknownError):
        kili.create_user(email="ada@example.com", password=PASSWORD, organization_role="USER")
    assert kili.count_users(email="ada@example.com") == 1  # created, and not resent
    assert len(kili_server.requests.of("createUser")) == 1


def test_a_throttled_query_waits_and_succeeds(
    kili_env: dict[str, str], kili_server: KiliServer
) -> None:
    kili_server.faults.add("countUsers", status=429, retry_after=1)
    assert Kili().count_users() == 1
    assert [r.status for r in kili_server.requests] == [429, 200]


def test_a_graphql_error_reaches_your_code(
    kili_env: dict[str, str], kili_server: KiliServer
) -> None:
    kili_server.faults.add("countUsers", graphql_error="FORBIDDEN", message="not today")
    with pytest.raises(Exception, match="not today"):
        Kili().count_users()
