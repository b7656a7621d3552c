"""users, countUsers, viewer and me: filters, order, pages and counts."""

from __future__ import annotations

import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL
from kili_typed_testkit.testing import GraphQLCaller as Gql

USERS = """
query Users($where: UserWhere!, $first: PageSize, $skip: Int) {
  data: users(where: $where, first: $first, skip: $skip) { id email activated }
}
"""
COUNT = "query Count($where: UserWhere!) { data: countUsers(where: $where) }"


def seed(server: ServerThread, n: int) -> list[str]:
    emails = [f"member{i:03d}@example.com" for i in range(n)]
    for email in emails:
        server.store.create_user(email, None)
    return emails


def emails(
    gql: Gql, where: dict[str, object], first: int | None = None, skip: int | None = None
) -> list[str]:
    rows = gql(USERS, {"where": where, "first": first, "skip": skip}).data["data"]
    return [row["email"] for row in rows]


def count(gql: Gql, where: dict[str, object]) -> int:
    result: int = gql(COUNT, {"where": where}).data["data"]
    return result


def test_users_are_ordered_by_creation(gql: Gql, local_server: ServerThread) -> None:
    created = seed(local_server, 5)
    assert emails(gql, {}) == [TEST_ADMIN_EMAIL, *created]


def test_pages_are_exact_and_cover_everything_once(gql: Gql, local_server: ServerThread) -> None:
    created = [TEST_ADMIN_EMAIL, *seed(local_server, 250)]
    pages = [emails(gql, {}, first=100, skip=skip) for skip in (0, 100, 200)]
    assert [len(page) for page in pages] == [100, 100, 51]
    assert [email for page in pages for email in page] == created
    assert count(gql, {}) == 251
    assert emails(gql, {}, first=7, skip=3) == created[3:10]
    assert emails(gql, {}, first=0) == []
    assert emails(gql, {}, skip=1000) == []
    assert len(emails(gql, {})) == 100  # no first: one page of 100


@pytest.mark.parametrize("first", [-1, 101, 250])
def test_first_out_of_range_is_a_graphql_error(gql: Gql, first: int) -> None:
    answer = gql(USERS, {"where": {}, "first": first})
    assert answer.status == 400
    assert answer.code == "BAD_USER_INPUT"
    assert "between 0 and 100" in answer.message
    assert str(first) in answer.message


def test_first_out_of_range_as_a_literal(gql: Gql) -> None:
    answer = gql("{ users(where: {}, first: 101) { id } }")
    assert answer.code == "BAD_USER_INPUT"
    assert "between 0 and 100" in answer.message


@pytest.mark.parametrize("first", ["10", 10.5, True])
def test_first_must_be_an_integer(gql: Gql, first: object) -> None:
    assert gql(USERS, {"where": {}, "first": first}).code == "BAD_USER_INPUT"


def test_negative_skip_is_refused(gql: Gql) -> None:
    answer = gql(USERS, {"where": {}, "skip": -1})
    assert answer.code == "BAD_USER_INPUT"
    assert "skip" in answer.message


def test_filters(gql: Gql, local_server: ServerThread) -> None:
    created = seed(local_server, 6)
    local_server.store.set_activated(created[1], False)
    local_server.store.set_activated(created[4], False)
    ids = {row["email"]: row["id"] for row in gql(USERS, {"where": {}}).data["data"]}
    org_id = gql("{ viewer { organizationId } }").data["viewer"]["organizationId"]
    cases: list[tuple[dict[str, object], list[str]]] = [
        ({"email": created[2]}, [created[2]]),
        ({"email": f"  {created[2].upper()} "}, [created[2]]),
        ({"email": "nobody@example.com"}, []),
        ({"id": ids[created[3]]}, [created[3]]),
        ({"idIn": [ids[created[5]], ids[created[0]], "unknown"]}, [created[0], created[5]]),
        ({"idIn": []}, []),
        ({"activated": False}, [created[1], created[4]]),
        ({"activated": True, "idIn": [ids[created[1]], ids[created[2]]]}, [created[2]]),
        ({"organization": {"id": org_id}}, [TEST_ADMIN_EMAIL, *created]),
        ({"organization": {"id": None}}, [TEST_ADMIN_EMAIL, *created]),
        ({"organization": {"id": "another-org"}}, []),
        ({"apiKey": local_server.api_key}, [TEST_ADMIN_EMAIL]),
        ({"apiKey": "unknown-key-0123456789"}, []),
        (
            {"id": None, "email": None, "apiKey": None, "activated": None},
            [TEST_ADMIN_EMAIL, *created],
        ),
    ]
    for where, expected in cases:
        assert emails(gql, where) == expected, where
        assert count(gql, where) == len(expected), where


def test_filters_compose_with_pages(gql: Gql, local_server: ServerThread) -> None:
    created = seed(local_server, 30)
    for email in created[::3]:
        local_server.store.set_activated(email, False)
    inactive = created[::3]
    assert count(gql, {"activated": False}) == 10
    assert emails(gql, {"activated": False}, first=4, skip=4) == inactive[4:8]


def test_viewer_and_me_return_the_caller(gql: Gql, user_key: str) -> None:
    query = "{ viewer { email organizationRole } me { email } }"
    assert gql(query).data == {
        "viewer": {"email": TEST_ADMIN_EMAIL, "organizationRole": "ADMIN"},
        "me": {"email": TEST_ADMIN_EMAIL},
    }
    assert gql(query, key=user_key).data["viewer"] == {
        "email": "user@example.com",
        "organizationRole": "USER",
    }


def test_every_user_field(gql: Gql, user_key: str) -> None:
    query = """{ viewer {
      id email firstname lastname activated createdAt updatedAt organizationId
      organizationRole auth0Id hasCompletedLabelingTour highestRoleInProject
      hubspotSubscriptionStatus isServiceAccount
      organization { id name activeUsersCount isAllowedToSubmitNewLabels matchingDomain
                     createdAt users { email } }
      organizations { id }
      apiKeys { id name key createdAt expiryDate revoked userId user { email } }
    } }"""
    viewer = gql(query, key=user_key).data["viewer"]
    assert viewer["email"] == "user@example.com"
    assert (viewer["firstname"], viewer["lastname"]) == ("Una", "User")
    assert viewer["activated"] is True
    assert viewer["auth0Id"] is None
    assert viewer["isServiceAccount"] is False
    assert viewer["hasCompletedLabelingTour"] is False
    assert isinstance(viewer["highestRoleInProject"], str)
    assert viewer["organizationId"] == viewer["organization"]["id"]
    assert viewer["organizations"] == [{"id": viewer["organizationId"]}]
    assert viewer["organization"]["activeUsersCount"] == 2
    assert [u["email"] for u in viewer["organization"]["users"]] == [
        TEST_ADMIN_EMAIL,
        "user@example.com",
    ]
    for stamp in (viewer["createdAt"], viewer["updatedAt"]):
        assert len(stamp) == 24 and stamp[10] == "T" and stamp.endswith("Z")
    (key,) = viewer["apiKeys"]
    assert key["key"] == "****" + user_key[-4:]
    assert key["userId"] == viewer["id"]
    assert key["user"] == {"email": "user@example.com"}
    assert key["revoked"] is False


def test_a_user_sees_only_their_own_keys(gql: Gql, user_key: str) -> None:
    query = "{ users(where: {}) { email apiKeys { id } } }"
    by_email = {row["email"]: row["apiKeys"] for row in gql(query, key=user_key).data["users"]}
    assert by_email[TEST_ADMIN_EMAIL] == []
    assert len(by_email["user@example.com"]) == 1
    by_email = {row["email"]: row["apiKeys"] for row in gql(query).data["users"]}
    assert len(by_email[TEST_ADMIN_EMAIL]) == 1 and len(by_email["user@example.com"]) == 1


def test_other_organizations_are_invisible(gql: Gql, local_server: ServerThread) -> None:
    other = local_server.store.create_organization("Other")
    local_server.store.create_user("stranger@other.com", None, organization_id=other.id)
    assert emails(gql, {}) == [TEST_ADMIN_EMAIL]
    assert emails(gql, {"email": "stranger@other.com"}) == []
    assert count(gql, {"organization": {"id": other.id}}) == 0
    stranger_id = local_server.store.get_user("stranger@other.com")
    assert stranger_id is not None
    assert emails(gql, {"id": stranger_id.id}) == []
