"""The rows a scanning field may visit, by its arguments (table-driven)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from kili_typed_server.graphql.scan_rows import scan_rows

MEMBERS = 10_000


def field_of(query: str) -> FieldNode:
    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    node = operation.selection_set.selections[0]
    assert isinstance(node, FieldNode)
    return node


@pytest.mark.parametrize(
    ("query", "variables", "rows"),
    [
        ("{ countUsers(where: {}) }", {}, MEMBERS),
        ("{ countUsers(where: {activated: false}) }", {}, MEMBERS),
        ('{ countUsers(where: {email: "a@b.c"}) }', {}, 1),
        ('{ countUsers(where: {id: "u1", activated: true}) }', {}, 1),
        # idIn is checked row by row along the organization's index (EXPLAIN QUERY PLAN).
        ('{ countUsers(where: {idIn: ["u1"]}) }', {}, MEMBERS),
        ("query($w: UserWhere!) { countUsers(where: $w) }", {"w": {"email": "a@b.c"}}, 1),
        ("query($w: UserWhere!) { countUsers(where: $w) }", {"w": {"email": None}}, MEMBERS),
        ("query($w: UserWhere!) { countUsers(where: $w) }", {"w": "not an object"}, MEMBERS),
        ("query($w: UserWhere!) { countUsers(where: $w) }", {}, MEMBERS),
        ("query($e: String) { countUsers(where: {email: $e}) }", {"e": "a@b.c"}, 1),
        # A listing by the organization alone walks the index to the end of its page.
        ("{ users(where: {}) { id } }", {}, 100),
        ("{ users(where: {}, first: 10, skip: 50) { id } }", {}, 60),
        ("{ users(where: {}, first: 100, skip: 20000) { id } }", {}, MEMBERS),
        ('{ users(where: {organization: {id: "o"}}, first: 5) { id } }', {}, 5),
        ("{ users(where: {activated: true}, first: 1) { id } }", {}, MEMBERS),
        ('{ users(where: {apiKey: "k"}, first: 1) { id } }', {}, MEMBERS),
        ('{ users(where: {email: "a@b.c"}) { id } }', {}, 1),
        ("query($s: Int) { users(where: {}, first: 1, skip: $s) { id } }", {"s": 9}, 10),
        ("query($s: Int) { users(where: {}, skip: $s) { id } }", {"s": "x"}, MEMBERS),
        ("{ countApiKeys(where: {}) }", {}, MEMBERS),
        ('{ countApiKeys(where: {key: "k"}) }', {}, 1),
        ('{ apiKeys(where: {id: "k1"}) { id } }', {}, 1),
        ('{ countApiKeys(where: {user: {email: "a@b.c"}}) }', {}, 1),
        ("{ countOrganizations(where: {}) }", {}, 1),
        ('{ organizations(where: {id: "o"}) { id } }', {}, 1),
        ("{ countOrganizations(where: {user: {activated: false}}) }", {}, MEMBERS),
        ('{ countOrganizations(where: {user: {email: "a@b.c"}}) }', {}, 1),
    ],
)
def test_rows_visited(query: str, variables: dict[str, Any], rows: int) -> None:
    assert scan_rows(field_of(query), variables, MEMBERS) == rows
