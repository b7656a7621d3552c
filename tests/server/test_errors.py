"""Malformed requests: always GraphQL-shaped errors with extensions.code, never a trace."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_testkit.testing import TEST_API_KEY
from kili_typed_testkit.testing import GraphQLCaller as Gql

AUTH = {"Authorization": f"X-API-Key: {TEST_API_KEY}", "Content-Type": "application/json"}


def assert_error_shape(body: dict[str, Any], code: str) -> None:
    assert body.get("data") is None
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) <= {"message", "locations", "path", "extensions"}
        assert isinstance(error["message"], str) and error["message"]
        assert "code" in error["extensions"]
        assert "Traceback" not in error["message"]
    assert body["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[]", "BAD_REQUEST"),
        (b'{"query": 3}', "BAD_REQUEST"),
        (b'{"query": ""}', "BAD_REQUEST"),
        (b'{"query": "{ viewer { id } }", "variables": []}', "BAD_REQUEST"),
        (b'{"query": "{ viewer { id } }", "operationName": 1}', "BAD_REQUEST"),
        (b'{"query": "{ viewer { id "}', "GRAPHQL_PARSE_FAILED"),
        (b'{"query": "{ viewer { nope } }"}', "GRAPHQL_VALIDATION_FAILED"),
        (b'{"query": "{ unknownOperation }"}', "GRAPHQL_VALIDATION_FAILED"),
        (b'{"query": "mutation { createUser { id } }"}', "GRAPHQL_VALIDATION_FAILED"),
        (b'{"query": "query Q { viewer { id } }", "operationName": "Other"}', "BAD_USER_INPUT"),
        (
            b'{"query": "query($w: UserWhere!) { users(where: $w) { id } }", '
            b'"variables": {"w": {"activated": "yes"}}}',
            "BAD_USER_INPUT",
        ),
        (
            b'{"query": "query($w: UserWhere!) { users(where: $w) { id } }", "variables": null}',
            "BAD_USER_INPUT",
        ),
    ],
)
def test_bad_requests(
    local_server: ServerThread, http: httpx.Client, content: bytes, code: str
) -> None:
    response = http.post(
        local_server.endpoint,
        content=content,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert_error_shape(response.json(), code)


def test_variables_null_is_accepted(local_server: ServerThread, http: httpx.Client) -> None:
    response = http.post(
        local_server.endpoint, json={"query": "{ me { id } }", "variables": None}, headers=AUTH
    )
    assert response.status_code == 200 and response.json()["data"]["me"]["id"]


def test_body_too_large(local_server: ServerThread, http: httpx.Client) -> None:
    padding = " " * (limits.MAX_BODY_BYTES + 1)
    response = http.post(
        local_server.endpoint, content=f'{{"query": "{{ me {{ id }} }}{padding}"}}', headers=AUTH
    )
    assert response.status_code == 413
    assert_error_shape(response.json(), "PAYLOAD_TOO_LARGE")


def test_get_on_the_graphql_endpoint(local_server: ServerThread, http: httpx.Client) -> None:
    response = http.get(local_server.endpoint, headers=AUTH)
    assert response.status_code == 405
    assert_error_shape(response.json(), "METHOD_NOT_ALLOWED")


def test_too_deep_a_query(gql: Gql) -> None:
    nested = "id"
    for _ in range(6):
        nested = f"users {{ organization {{ {nested} }} }}"
    answer = gql(f"{{ viewer {{ organization {{ {nested} }} }} }}")
    assert answer.status == 400
    assert_error_shape(answer.body, "GRAPHQL_VALIDATION_FAILED")
    assert "levels deep" in answer.message


def test_introspection_works(gql: Gql) -> None:
    from graphql import get_introspection_query

    answer = gql(get_introspection_query(descriptions=True, input_value_deprecation=True))
    names = {t["name"] for t in answer.data["__schema"]["types"]}
    assert {"User", "UserWhere", "PageSize", "DateTime", "OrganizationRole"} <= names


def test_resolver_errors_keep_path_and_http_200(gql: Gql) -> None:
    answer = gql('mutation { resetPassword(where: {email: "ghost@example.com"}) { id } }')
    assert answer.status == 200
    assert_error_shape(answer.body, "NOT_FOUND")
    assert answer.body["errors"][0]["path"] == ["resetPassword"]
    assert answer.body["errors"][0]["locations"]


def test_whole_organization_inside_a_list_is_refused(gql: Gql) -> None:
    answer = gql("{ users(where: {}) { organization { users { id } } } }")
    assert answer.status == 400
    assert_error_shape(answer.body, "GRAPHQL_VALIDATION_FAILED")
    assert "Organization.users inside a list" in answer.message
    assert gql("{ viewer { organization { users { id } } } }").status == 200


def test_alias_flood_is_refused(gql: Gql) -> None:
    aliases = " ".join(f"a{i}: viewer {{ id }}" for i in range(limits.MAX_SELECTED_FIELDS))
    answer = gql(f"{{ {aliases} }}")
    assert_error_shape(answer.body, "GRAPHQL_VALIDATION_FAILED")
    assert f"more than {limits.MAX_SELECTED_FIELDS} fields" in answer.message


def test_fragment_bomb_is_refused(gql: Gql) -> None:
    # Each fragment spreads the next twice: 2**40 fields once expanded.
    fragments = [f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40)]
    fragments.append("fragment F40 on User { id }")
    query = "{ viewer { ...F0 } } " + " ".join(fragments)
    answer = gql(query)
    assert_error_shape(answer.body, "GRAPHQL_VALIDATION_FAILED")
    assert "more than" in answer.message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"query": "query($skip: Int!) { users(where: {}, skip: $skip) { id } }"},
            'Variable "$skip" of required type "Int!" was not provided.',
        ),
        ({"query": "{ x }"}, 'Cannot query field "x" on type "Query".'),
        ({"query": "{ viewer { id "}, "Syntax Error: Expected Name, found <EOF>."),
    ],
    ids=["variables", "validation", "parse"],
)
def test_request_level_errors_read_as_graphql_js(
    local_server: ServerThread, http: httpx.Client, body: dict[str, Any], message: str
) -> None:
    # Kili (graphql-js) double-quotes names and leaves "data" out of errors that stopped
    # the request before execution; the official SDK's retry patterns match that form.
    response = http.post(local_server.endpoint, json=body, headers=AUTH)
    assert response.status_code == 400
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"] == message


def test_execution_errors_keep_data_null(gql: Gql) -> None:
    answer = gql('mutation { resetPassword(where: {email: "ghost@example.com"}) { id } }')
    assert answer.status == 200 and answer.body["data"] is None
