"""``organizations`` and ``countOrganizations``: read-only, the caller's own organization,
in the shapes the official SDK sends."""

from __future__ import annotations

from typing import Any

import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_USER_EMAIL
from kili_typed_testkit.testing import GraphQLCaller as Gql

# As kili 26.2 sends them: root aliased `data`, non-null $first and $skip.
LIST = """query organizations($where: OrganizationWhere!, $first: PageSize!, $skip: Int!) {
  data: organizations(where: $where, first: $first, skip: $skip) { id name activeUsersCount }
}"""
COUNT = """query countOrganizations($where: OrganizationWhere!) {
  data: countOrganizations(where: $where)
}"""


def own_organization(local_server: ServerThread) -> tuple[str, str]:
    admin = local_server.store.get_user(local_server.admin_email)
    assert admin is not None
    organization = local_server.store.accounts.organizations_by_ids([admin.organization_id])
    return admin.organization_id, organization[admin.organization_id].name


@pytest.mark.parametrize(
    ("where", "found"),
    [
        ({}, True),
        ({"id": None, "user": {"email": None}}, True),
        ({"id": "OWN"}, True),
        ({"id": "someone-elses"}, False),
        ({"user": {"email": "ADMIN"}}, True),
        ({"user": {"email": "nobody@example.com"}}, False),
    ],
)
def test_the_caller_sees_their_own_organization(
    gql: Gql, local_server: ServerThread, where: dict[str, Any], found: bool
) -> None:
    org_id, name = own_organization(local_server)
    if where.get("id") == "OWN":
        where = {"id": org_id}
    if (where.get("user") or {}).get("email") == "ADMIN":
        where = {"user": {"email": local_server.admin_email}}
    rows = gql(LIST, {"where": where, "first": 100, "skip": 0}).data["data"]
    assert rows == ([{"id": org_id, "name": name, "activeUsersCount": 1}] if found else [])
    assert gql(COUNT, {"where": where}).data["data"] == (1 if found else 0)


def test_another_organization_stays_hidden(gql: Gql, local_server: ServerThread) -> None:
    other = local_server.store.create_organization("Other")
    local_server.store.create_user("stranger@example.com", None, organization_id=other.id)
    where = {"user": {"email": "stranger@example.com"}}
    assert gql(LIST, {"where": where, "first": 100, "skip": 0}).data["data"] == []
    assert gql(COUNT, {"where": {"id": other.id}}).data["data"] == 0


def test_a_member_sees_it_too_and_pages_apply(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    org_id, _ = own_organization(local_server)
    where = {"user": {"email": TEST_USER_EMAIL}}
    rows = gql(LIST, {"where": where, "first": 1, "skip": 0}, key=user_key).data["data"]
    assert [row["id"] for row in rows] == [org_id]
    assert gql(LIST, {"where": {}, "first": 1, "skip": 1}, key=user_key).data["data"] == []
    assert gql(LIST, {"where": {}, "first": 0, "skip": 0}, key=user_key).data["data"] == []
