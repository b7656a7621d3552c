"""Every operation needs a valid key; every refusal looks the same."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from kili_typed_server import Store
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core.errors import UNAUTHENTICATED_MESSAGE
from kili_typed_testkit.testing import TEST_USER_EMAIL as USER_EMAIL
from kili_typed_testkit.testing import GraphQLCaller as Gql

VIEWER = "{ viewer { id email } }"


def assert_refused(status: int, body: dict[str, object]) -> None:
    assert status == 401
    # No "data" key: the request stopped before execution, as Apollo Server answers.
    assert body == {
        "errors": [{"message": UNAUTHENTICATED_MESSAGE, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "X-API-Key:"},
        {"Authorization": "X-API-Key: not-a-known-key-0123456789"},
        {"Authorization": "Bearer kt_test-admin-key-0123456789abcdef"},
        {"Authorization": "kt_test-admin-key-0123456789abcdef"},
        {"X-API-Key": "kt_test-admin-key-0123456789abcdef"},
    ],
)
def test_missing_or_unknown_key_is_refused(
    local_server: ServerThread, http: httpx.Client, headers: dict[str, str]
) -> None:
    response = http.post(local_server.endpoint, json={"query": VIEWER}, headers=headers)
    assert_refused(response.status_code, response.json())


def test_the_key_is_checked_before_the_body(local_server: ServerThread, http: httpx.Client) -> None:
    response = http.post(
        local_server.endpoint, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_refused(response.status_code, response.json())


def test_the_admin_key_works(gql: Gql, local_server: ServerThread) -> None:
    assert gql(VIEWER).data["viewer"]["email"] == local_server.admin_email


def test_header_prefix_is_case_insensitive(local_server: ServerThread, http: httpx.Client) -> None:
    response = http.post(
        local_server.endpoint,
        json={"query": VIEWER},
        headers={"Authorization": f"x-api-key:{local_server.api_key}"},
    )
    assert response.status_code == 200


def test_revoked_key_is_refused(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    assert gql(VIEWER, key=user_key).data["viewer"]["email"] == USER_EMAIL
    local_server.store.revoke_api_key(key=user_key)
    answer = gql(VIEWER, key=user_key)
    assert_refused(answer.status, answer.body)


def test_expired_key_is_refused(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
    with Store(local_server.db_path, clock=lambda: two_days_ago) as past:
        key, _ = past.create_api_key(USER_EMAIL, expires_in_days=1)
    answer = gql(VIEWER, key=key)
    assert_refused(answer.status, answer.body)


def test_key_of_deactivated_user_is_refused(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    local_server.store.set_activated(USER_EMAIL, False)
    answer = gql(VIEWER, key=user_key)
    assert_refused(answer.status, answer.body)
    local_server.store.set_activated(USER_EMAIL, True)
    assert gql(VIEWER, key=user_key).status == 200


def test_version_needs_no_key(local_server: ServerThread, http: httpx.Client) -> None:
    response = http.get(local_server.version_url)
    assert response.status_code == 200
    version = response.json()["version"]
    assert len(version.split(".")) >= 3
