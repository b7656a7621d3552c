"""The cost model of issue 20: work is bounded, not rows, before a request runs.

Each reproduction of the issue runs against a real server on loopback, with an
organization of 10,000 users: it gets a clear refusal or a bounded answer, and the server
goes on answering.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_testkit.testing import TEST_API_KEY, make_test_server
from kili_typed_testkit.testing import GraphQLCaller as Gql

ORGANIZATION_SIZE = 10_000


def still_serving(server: ServerThread, gql: Gql) -> None:
    with httpx.Client(timeout=10) as client:
        assert client.get(server.version_url).status_code == 200
    assert gql("{ viewer { id } }").status == 200


@pytest.fixture
def large(local_server: ServerThread, user_key: str) -> ServerThread:
    """The local server with an organization of 10,000 users (the admin, the USER of
    `user_key` and seeded ones)."""
    local_server.store.seed_users(ORGANIZATION_SIZE - 2)
    return local_server


def emails(count: int) -> str:
    return " ".join(f"a{n}: email" for n in range(count))


def test_aliases_under_organization_users_count_once_per_user(
    large: ServerThread, gql: Gql, user_key: str
) -> None:
    # Before: 990 aliases of email under Organization.users answered 414.5 MB in 8.5 s.
    query = "{ viewer { organization { users { " + emails(990) + " } } } }"
    answer = gql(query, key=user_key)
    assert answer.status == 400 and answer.code == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in answer.body
    assert f"more than the {limits.MAX_QUERY_COST} one request may take" in answer.message
    assert "Organization.users as the users of your organization" in answer.message
    # Through the executor too (introspection is not the fast path's).
    with_type = '{ t: __type(name: "User") { name } ' + query[1:]
    assert gql(with_type, key=user_key).code == "GRAPHQL_VALIDATION_FAILED"
    still_serving(large, gql)


def test_the_whole_organization_within_the_budget_is_answered(
    large: ServerThread, gql: Gql, user_key: str
) -> None:
    answer = gql("{ viewer { organization { users { " + emails(4) + " } } } }", key=user_key)
    assert answer.status == 200
    users = answer.data["viewer"]["organization"]["users"]
    assert len(users) == ORGANIZATION_SIZE


def test_a_budget_of_the_servers_choice(tmp_path: Path, http: httpx.Client) -> None:
    with make_test_server(tmp_path / "kili.db", max_query_cost=50) as server:
        gql = Gql(server.endpoint, TEST_API_KEY, http)
        assert gql("{ users(where: {}, first: 10) { id email } }").status == 200
        answer = gql("{ users(where: {}, first: 30) { id email } }")
        assert answer.status == 400 and "more than the 50 one request" in answer.message
        # A list written in the document counts per item, as one in a variable does.
        ids = ", ".join(f'"id-{n}"' for n in range(60))
        listed = gql(f"{{ countUsers(where: {{idIn: [{ids}]}}) }}")
        assert listed.status == 400 and "more than the 50 one request" in listed.message


def test_list_arguments_count_per_item(large: ServerThread, gql: Gql, user_key: str) -> None:
    # Before: 700 aliases sharing one 10,000-id variable took 11.9 s of server CPU.
    ids = [f"id-{n}" for n in range(ORGANIZATION_SIZE)]
    fields = " ".join(f"c{n}: countUsers(where: {{idIn: $ids}})" for n in range(700))
    answer = gql(f"query($ids: [ID!]) {{ {fields} }}", {"ids": ids}, key=user_key)
    assert answer.status == 400 and answer.code == "GRAPHQL_VALIDATION_FAILED"
    assert "each item of a list argument counts" in answer.message
    # One such count is fine.
    one = gql("query($ids: [ID!]) { countUsers(where: {idIn: $ids}) }", {"ids": ids})
    assert one.status == 200 and one.data == {"countUsers": 0}
    still_serving(large, gql)


def test_a_variable_in_a_whole_where_counts_its_lists(local_server: ServerThread, gql: Gql) -> None:
    fields = " ".join(f"c{n}: countUsers(where: $where)" for n in range(10))
    query = f"query($where: UserWhere!) {{ {fields} }}"
    ids = [f"id-{n}" for n in range(limits.MAX_QUERY_COST // 10 + 1)]
    assert gql(query, {"where": {"idIn": ids}}).code == "GRAPHQL_VALIDATION_FAILED"
    assert gql(query, {"where": {"idIn": ids[:10]}}).status == 200


def test_organizations_with_their_users(large: ServerThread, gql: Gql, user_key: str) -> None:
    # The official SDK's own docstring: kili.organizations(fields=['users.email']).
    answer = gql(
        "query($where: OrganizationWhere!, $first: PageSize!, $skip: Int!) "
        "{ data: organizations(where: $where, first: $first, skip: $skip) { id users { email } } }",
        {"where": {}, "first": 100, "skip": 0},
        key=user_key,
    )
    assert answer.status == 200, answer.body
    (organization,) = answer.data["data"]
    assert len(organization["users"]) == ORGANIZATION_SIZE
    # A page of users, each with the whole organization, stays refused.
    nested = gql("{ users(where: {}) { organization { users { id } } } }", key=user_key)
    assert "Organization.users inside a list" in nested.message


@pytest.mark.parametrize(
    "query",
    [
        "{ users(where: {}, first: " + "9" * 5000 + ") { id } }",
        "{ users(where: {}, skip: " + "9" * 5000 + ") { id } }",
        "{ users(where: {}, first: 1" + "0" * 30 + ") { id } }",
        "{ apiKeys(where: {}, first: -" + "9" * 5000 + ") { id } }",
    ],
)
def test_bad_integers_are_refused_clearly(local_server: ServerThread, gql: Gql, query: str) -> None:
    # Before: users(first: <5000 digits>) answered 500 with a 41-line traceback.
    answer = gql(query)
    assert answer.status == 400
    assert answer.code in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")
    assert "Traceback" not in answer.message and len(answer.message) < 6000
    still_serving(local_server, gql)


def test_a_query_past_its_deadline_is_stopped(tmp_path: Path, http: httpx.Client) -> None:
    # A deadline that is always past: every query stops at its first field.
    with make_test_server(tmp_path / "kili.db", request_timeout=1e-9) as server:
        gql = Gql(server.endpoint, TEST_API_KEY, http)
        for query in ("{ viewer { id } }", '{ __type(name: "User") { name } }'):
            answer = gql(query)
            assert answer.status == 200 and answer.code == "REQUEST_TIMEOUT"
            assert answer.body["data"] is None
            assert "ran longer than 1e-09 s" in answer.message
        # A mutation has no deadline: it is never stopped half-way through its writes.
        created = gql(
            'mutation { createUser(data: {email: "late@example.com", password: "long-enough-1",'
            " organizationRole: USER}) { email } }"
        )
        assert created.data == {"createUser": {"email": "late@example.com"}}


def aliased(field: str, copies: int) -> str:
    return " ".join(f"a{n}: {field}" for n in range(copies))


#: name: (the where's type, the field, the where as a variable, the same as a literal)
SCANS = {
    "countUsers": (
        "UserWhere",
        "countUsers(where: $w)",
        {"activated": False},
        "{activated: false}",
    ),
    "countApiKeys": (
        "ApiKeyWhere",
        "countApiKeys(where: $w)",
        {"user": {"activated": False}},
        "{user: {activated: false}}",
    ),
    "countOrganizations": (
        "OrganizationWhere",
        "countOrganizations(where: $w)",
        {"user": {"activated": False}},
        "{user: {activated: false}}",
    ),
    "users": (
        "UserWhere",
        "users(where: $w, first: 1) { id }",
        {"activated": False},
        "{activated: false}",
    ),
}


@pytest.mark.parametrize("name", SCANS)
def test_every_scan_counts_the_rows_it_may_visit(
    large: ServerThread, gql: Gql, user_key: str, name: str
) -> None:
    # Before: 990 countUsers(where: {activated: false}) were charged 990 units and took
    # 4-5 s of server CPU; six at once held the server for 90 s.
    where_type, field, where, written = SCANS[name]
    copies = 450 if name == "users" else 990
    query = f"query($w: {where_type}!) {{ {aliased(field, copies)} }}"
    answer = gql(query, {"w": where}, key=user_key)
    assert answer.status == 400 and answer.code == "GRAPHQL_VALIDATION_FAILED"
    assert "data" not in answer.body
    assert f"more than the {limits.MAX_QUERY_COST} one request may take" in answer.message
    assert "each count or filtered list counts the rows it may visit" in answer.message
    # The same as literals, and through the executor (introspection is not the fast path's).
    # 100 copies: within the token limit, and each visits 10,000 rows (1,000 units).
    literal = "{ " + aliased(field.replace("$w", written), 100) + " }"
    executor = "{ __typename " + literal[1:]
    assert gql(literal, key=user_key).code == "GRAPHQL_VALIDATION_FAILED"
    assert gql(executor, key=user_key).code == "GRAPHQL_VALIDATION_FAILED"
    # One of them is affordable.
    one = f"query($w: {where_type}!) {{ {field} }}"
    assert gql(one, {"w": where}, key=user_key).status == 200
    still_serving(large, gql)


def test_a_filter_an_index_narrows_costs_one_row(
    large: ServerThread, gql: Gql, user_key: str
) -> None:
    counts = aliased("countUsers(where: $w)", 900)
    query = f"query($w: UserWhere!) {{ {counts} }}"
    assert gql(query, {"w": {"email": "nobody@example.com"}}, key=user_key).status == 200
    assert gql(query, {"w": {"activated": True}}, key=user_key).status == 400


def test_the_official_listing_and_count_stay_affordable(large: ServerThread, gql: Gql) -> None:
    # A page far into the listing walks its skipped rows in the index: still affordable.
    page = gql(
        "query($w: UserWhere!, $first: PageSize, $skip: Int)"
        " { data: users(where: $w, first: $first, skip: $skip) { id email firstname lastname"
        " activated organizationRole createdAt organization { id name } } }",
        {"w": {"organization": {"id": None}}, "first": 100, "skip": ORGANIZATION_SIZE - 100},
    )
    assert page.status == 200 and len(page.data["data"]) == 100
    count = gql("query($w: UserWhere!) { data: countUsers(where: $w) }", {"w": {}})
    assert count.data == {"data": ORGANIZATION_SIZE}
