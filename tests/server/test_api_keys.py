"""apiKeys and countApiKeys, including what official clients send at start-up."""

from __future__ import annotations

import re

from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, TEST_USER_EMAIL
from kili_typed_testkit.testing import GraphQLCaller as Gql

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_2026_client_start_up_check(gql: Gql, local_server: ServerThread) -> None:
    query = """
    query apiKeys($where: ApiKeyWhere!, $first: PageSize!, $skip: Int!) {
      data: apiKeys(where: $where, skip: $skip, first: $first) { expiryDate }
    }"""
    variables = {"where": {"key": local_server.api_key}, "skip": 0, "first": 1}
    (row,) = gql(query, variables).data["data"]
    assert STAMP.match(row["expiryDate"])


def test_2022_client_start_up_checks(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    where = {"user": {"id": None, "apiKey": user_key}, "id": None}
    count = "query($where: ApiKeyWhere!) { countApiKeys(where: $where) }"
    assert gql(count, {"where": where}, key=user_key).data == {"countApiKeys": 1}
    query = """
    query($where: ApiKeyWhere!, $first: PageSize, $skip: Int) {
      data: apiKeys(where: $where, first: $first, skip: $skip) { createdAt }
    }"""
    rows = gql(query, {"where": where, "first": 100, "skip": 0}, key=user_key).data["data"]
    assert len(rows) == 1 and STAMP.match(rows[0]["createdAt"])


def test_keys_are_masked_everywhere(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    answer = gql("{ apiKeys(where: {}) { key name revoked user { email } } }")
    keys = answer.data["apiKeys"]
    assert {k["user"]["email"] for k in keys} == {TEST_ADMIN_EMAIL, TEST_USER_EMAIL}
    assert all(k["key"].startswith("****") and len(k["key"]) == 8 for k in keys)
    assert local_server.api_key not in str(answer.body) and user_key not in str(answer.body)


def test_a_user_sees_only_their_own_keys(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    local_server.store.create_api_key(TEST_USER_EMAIL, name="second")
    query = "{ apiKeys(where: {}) { name user { email } } countApiKeys(where: {}) }"
    data = gql(query, key=user_key).data
    assert [k["name"] for k in data["apiKeys"]] == ["test key", "second"]
    assert data["countApiKeys"] == 2
    where_admin = f'{{ apiKeys(where: {{key: "{local_server.api_key}"}}) {{ id }} }}'
    assert gql(where_admin, key=user_key).data == {"apiKeys": []}
    assert gql("{ countApiKeys(where: {}) }").data == {"countApiKeys": 3}


def test_filters_and_pages(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    for i in range(5):
        local_server.store.create_api_key(TEST_USER_EMAIL, name=f"k{i}")
    query = """query($where: ApiKeyWhere!, $first: PageSize, $skip: Int) {
      apiKeys(where: $where, first: $first, skip: $skip) { id name revoked } }"""
    where = {"user": {"email": TEST_USER_EMAIL}}
    names = [k["name"] for k in gql(query, {"where": where}).data["apiKeys"]]
    assert names == ["test key", "k0", "k1", "k2", "k3", "k4"]
    page = gql(query, {"where": where, "first": 2, "skip": 2}).data["apiKeys"]
    assert [k["name"] for k in page] == ["k1", "k2"]
    by_id = gql(query, {"where": {"id": page[0]["id"]}}).data["apiKeys"]
    assert [k["name"] for k in by_id] == ["k1"]
    local_server.store.revoke_api_key(key_id=page[0]["id"])
    assert gql(query, {"where": {"id": page[0]["id"]}}).data["apiKeys"][0]["revoked"] is True
    assert gql(query, {"where": {}, "first": 101}).code == "BAD_USER_INPUT"
