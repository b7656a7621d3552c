"""The fast path answers exactly as the executor does: status and bytes, for every document.

A differential test: each request goes through the HTTP layer's GraphQL service twice, once
with the fast path (`kili_typed_server.graphql.fast_path`) and once with graphql-core's executor
alone, and the two responses are encoded by the HTTP layer's own encoder and compared byte
for byte. The documents are those the clients send:

- kili-typed: every query of ``queries/*.graphql``, as the generated client posts it
  (recorded from the generated client itself);
- the 2026 official SDK (kili 26.2.4): ``users`` and ``countUsers`` aliased ``data``, with
  its fragment of dotted fields, ``me``/``viewer``, its start-up ``{ viewer { id email } }``
  and ``apiKeys(where: $where, skip: 0, first: 1) { expiryDate }``;
- 2022 official SDKs (kili 2.128): ``me { id email }``, ``countApiKeys`` and
  ``apiKeys { createdAt }`` with ``where: {user: {id: null, apiKey}, id: null}``, and
  ``users`` with the ``apiKey`` filter (shapes from ``/work/shared/kili-user-api.md`` and
  the compatibility suite's expectations);
- and unusual documents: fragments, inline fragments, ``@skip``, ``__typename``, merged
  fields, nested organizations' users and keys' owners, introspection.

Variables are drawn by hypothesis, valid and invalid alike (an invalid one must reach the
executor and give its exact error). A test also checks that the fast path really answers
the common documents, so that the comparison is not between the executor and itself.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kili_typed_server.core import limits
from kili_typed_server.graphql.deadlines import Deadline, DeadlineExceeded
from kili_typed_server.graphql.execution import GraphQLService
from kili_typed_server.http.app import _response, handle
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER
from kili_typed_server.service.store import Store
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, TEST_API_KEY
from tests.hypothesis_profiles import examples

ROOT = Path(__file__).resolve().parents[2]
USER_KEY = "kt_test-user-key-0123456789abcdef"
USER_EMAIL = "una.user@example.com"
#: Names written to the store: non-ASCII, quotes, backslashes, markup, emoji, empty, none.
ODD_NAMES = ["Zoë", 'O"Brien\\', "e\u0301 combining", "</script>", "🙂 ok", "nbsp\u00a0", "", None]
#: Names the server refuses today but a database written before may hold (DEL, a line
#: separator): written with SQL, so both paths are compared on them too.
LEGACY_NAMES = {"member2@example.com": "del\x7f", "member5@example.com": "\u2028sep"}

# -- the store --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphQLService]:
    """A service on a store with varied users, two organizations and several keys."""
    store = Store(tmp_path_factory.mktemp("fast-path") / "kili.db", hasher=INSECURE_TEST_HASHER)
    store.bootstrap(
        admin_email=TEST_ADMIN_EMAIL, admin_password="admin-pass-0123", api_key=TEST_API_KEY
    )
    for i, name in enumerate(ODD_NAMES):
        store.create_user(
            f"member{i}@example.com",
            None,
            organization_role="ADMIN" if i % 3 == 0 else "USER",
            firstname=name,
            lastname=ODD_NAMES[-1 - i],
        )
    store.create_user(USER_EMAIL, "user-pass-0123", organization_role="USER", firstname="Una")
    store.create_api_key(USER_EMAIL, name="first", key=USER_KEY)
    store.create_api_key(USER_EMAIL, name="second")
    store.set_activated("member1@example.com", False)
    with sqlite3.connect(store.path) as db:
        for email, name in LEGACY_NAMES.items():
            db.execute("UPDATE users SET firstname = ? WHERE email = ?", (name, email))
    store.seed_users(120)
    other = store.create_organization("Other org")
    store.create_user("outsider@example.com", None, organization_id=other.id)
    yield GraphQLService(store.accounts)
    store.close()


def answers(service: GraphQLService, key: str, payload: dict[str, Any]) -> tuple[bytes, bytes]:
    """The response (status line and body bytes) with the fast path, then without it."""
    body = json.dumps(payload).encode()
    fast_path = service.fast_path
    assert fast_path is not None
    caller = service.authenticate(key)
    assert caller is not None
    try:
        fast = _response(*handle(service, caller, body))
        service.fast_path = None
        slow = _response(*handle(service, caller, body))
    finally:
        service.fast_path = fast_path
    return (
        b"%d " % fast.status_code + bytes(fast.body),
        b"%d " % slow.status_code + bytes(slow.body),
    )


def assert_same(service: GraphQLService, key: str, payload: dict[str, Any]) -> None:
    fast, slow = answers(service, key, payload)
    assert fast == slow


# -- the documents ----------------------------------------------------------------------


def generated_documents() -> dict[str, str]:
    """The query documents the generated client posts, recorded from the client itself."""
    from kili_typed_generated.client import Client
    from kili_typed_generated.input_types import UserWhere

    posted: dict[str, str] = {}

    def record(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        posted[body["operationName"]] = body["query"]
        raise LookupError("recorded")

    recorder = httpx.Client(transport=httpx.MockTransport(record))
    client = Client(url="http://recorder.invalid/graphql", http_client=recorder)

    def every_flag(method: Any) -> dict[str, bool]:
        parameters = inspect.signature(method).parameters
        return dict.fromkeys((name for name in parameters if name.startswith("with_")), True)

    for call in (
        lambda: client.users(where=UserWhere(), **every_flag(Client.users)),
        lambda: client.count_users(where=UserWhere()),
        lambda: client.viewer(**every_flag(Client.viewer)),
    ):
        with contextlib.suppress(LookupError):
            call()
    return posted


GENERATED = generated_documents()
USERS_FLAGS = re.findall(r"\$(with\w+)", GENERATED["users"])
VIEWER_FLAGS = re.findall(r"\$(with\w+)", GENERATED["viewer"])

#: The fields the official SDKs' documented `users(fields=...)` accepts, dotted for nesting.
OFFICIAL_FIELDS = [
    "id", "email", "firstname", "lastname", "activated", "createdAt", "updatedAt",
    "organizationId", "organizationRole", "auth0Id", "hasCompletedLabelingTour",
    "highestRoleInProject", "hubspotSubscriptionStatus", "isServiceAccount",
    "organization.id", "organization.name", "organization.activeUsersCount",
    "organization.isAllowedToSubmitNewLabels", "organization.matchingDomain",
    "organization.createdAt", "organizations.id", "organizations.name",
    "apiKeys.id", "apiKeys.name", "apiKeys.key", "apiKeys.createdAt", "apiKeys.expiryDate",
    "apiKeys.revoked", "apiKeys.userId",
]  # fmt: skip


def fragment(fields: list[str]) -> str:
    """A selection as the official SDKs' ``fragment_builder`` writes it (``a b c{d e}``)."""
    plain = [field for field in fields if "." not in field]
    nested: dict[str, list[str]] = {}
    for field in fields:
        if "." in field:
            root, rest = field.split(".", 1)
            nested.setdefault(root, []).append(rest)
    parts = [f" {root}{{{fragment(sub)}}}" for root, sub in nested.items()]
    return "".join(parts) + "".join(f" {field}" for field in plain)


OFFICIAL_2026_USERS = """
        query users($where: UserWhere!, $first: PageSize!, $skip: Int!) {{
            data: users(where: $where, first: $first, skip: $skip) {{
                {fragment}
            }}
        }}
        """
OFFICIAL_2026_COUNT = """
    query countUsers($where: UserWhere!) {
        data: countUsers(where: $where)
    }
    """
OFFICIAL_2026_ME = """
      query me {{
          data: viewer {{
              {fragment}
          }}
      }}
    """
OFFICIAL_2026_KEY_EXPIRY = """
    query apiKeys($where: ApiKeyWhere!) {
        data: apiKeys(where: $where, skip: 0, first: 1) {
            expiryDate
        }
    }
    """
OFFICIAL_2022_USERS = """
query($where: UserWhere!, $first: PageSize!, $skip: Int!) {{
  data: users(where: $where, first: $first, skip: $skip) {{
    {fragment}
  }}
}}
"""
OFFICIAL_2022_ME = "query Me { me { id email } }"
OFFICIAL_2022_COUNT_KEYS = "query($where: ApiKeyWhere!) { data: countApiKeys(where: $where) }"
OFFICIAL_2022_KEYS = """
query($where: ApiKeyWhere!, $first: PageSize!, $skip: Int!) {
  data: apiKeys(where: $where, first: $first, skip: $skip) { createdAt }
}
"""

UNUSUAL = [
    "{ viewer { id email } }",
    "{ me { __typename id ...Core organizations { __typename ... on Organization { name } } } }"
    " fragment Core on User { email firstname lastname }",
    "{ viewer { id organization { id } organization { name activeUsersCount } } }",
    "{ a: viewer { id } b: viewer { email @skip(if: true) createdAt @include(if: true) } }",
    "{ viewer { organization { users { email organizations { id } apiKeys { key } } } } }",
    "{ apiKeys(where: {}) { id name key revoked user { email apiKeys { name userId } } } }",
    "{ users(where: {}, first: 3) { email } countUsers(where: {activated: false}) __typename }",
    "{ __typename }",
    "{ __schema { queryType { name } } }",
    '{ __type(name: "User") { name } viewer { id } }',
    "query A { viewer { id } } query B { me { email } }",
    "{ viewer { hubspotSubscriptionStatus auth0Id highestRoleInProject isServiceAccount } }",
]


# -- the variables -----------------------------------------------------------------------

KNOWN_EMAILS = [TEST_ADMIN_EMAIL, USER_EMAIL, "member1@example.com", "outsider@example.com"]
emails = st.one_of(st.sampled_from(KNOWN_EMAILS), st.text(max_size=20))
user_where = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(st.none(), emails, st.integers()),
        "id": st.one_of(st.none(), st.text(max_size=10)),
        "idIn": st.one_of(st.none(), st.lists(st.text(max_size=5), max_size=3)),
        "activated": st.one_of(st.none(), st.booleans(), st.just("yes")),
        "organization": st.one_of(st.none(), st.fixed_dictionaries({"id": st.none()})),
        "apiKey": st.one_of(st.none(), st.sampled_from([TEST_API_KEY, USER_KEY, "nope"])),
        "unknown": st.just(1),
    },
)
first = st.one_of(st.none(), st.integers(-2, 102), st.just("10"), st.just(True))
skip = st.one_of(st.none(), st.integers(-2, 140), st.floats(0, 3))
keys = st.sampled_from([TEST_API_KEY, USER_KEY])
field_lists = st.lists(st.sampled_from(OFFICIAL_FIELDS), min_size=1, max_size=12, unique=True)
CHECKS = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@CHECKS
@given(
    key=keys,
    flags=st.lists(st.booleans(), min_size=len(USERS_FLAGS), max_size=len(USERS_FLAGS)),
    where=user_where,
    first=first,
    skip=skip,
    drop=st.booleans(),
)
def test_kili_typed_users_pages(
    service: GraphQLService,
    key: str,
    flags: list[bool],
    where: dict[str, Any],
    first: Any,
    skip: Any,
    drop: bool,
) -> None:
    variables: dict[str, Any] = {
        **dict(zip(USERS_FLAGS, flags, strict=True)),
        "where": where,
        "first": first,
        "skip": skip,
    }
    if drop:  # a missing required flag: the executor's variable error
        variables.pop(USERS_FLAGS[-1])
    assert_same(
        service,
        key,
        {"query": GENERATED["users"], "variables": variables, "operationName": "users"},
    )


@CHECKS
@given(key=keys, where=user_where, viewer_on=st.sets(st.sampled_from(VIEWER_FLAGS)))
def test_kili_typed_count_and_viewer(
    service: GraphQLService, key: str, where: Any, viewer_on: set[str]
) -> None:
    count = {"query": GENERATED["countUsers"], "variables": {"where": where}}
    assert_same(service, key, {**count, "operationName": "countUsers"})
    flags = {flag: flag in viewer_on for flag in VIEWER_FLAGS}
    viewer = {"query": GENERATED["viewer"], "variables": flags, "operationName": "viewer"}
    assert_same(service, key, viewer)


@CHECKS
@given(key=keys, fields=field_lists, where=user_where, first=first, skip=skip)
def test_official_2026_documents(
    service: GraphQLService, key: str, fields: list[str], where: Any, first: Any, skip: Any
) -> None:
    selection = fragment(fields)
    users = OFFICIAL_2026_USERS.format(fragment=selection)
    assert_same(
        service, key, {"query": users, "variables": {"where": where, "first": first, "skip": skip}}
    )
    assert_same(service, key, {"query": OFFICIAL_2026_COUNT, "variables": {"where": where}})
    assert_same(service, key, {"query": OFFICIAL_2026_ME.format(fragment=selection)})
    assert_same(service, key, {"query": "{ viewer { id email } }"})
    for api_key in (key, "unknown-key"):
        expiry = {"query": OFFICIAL_2026_KEY_EXPIRY, "variables": {"where": {"key": api_key}}}
        assert_same(service, key, expiry)


@CHECKS
@given(key=keys, fields=field_lists, where=user_where, first=first, skip=skip)
def test_official_2022_documents(
    service: GraphQLService, key: str, fields: list[str], where: Any, first: Any, skip: Any
) -> None:
    users = OFFICIAL_2022_USERS.format(fragment=fragment(fields))
    assert_same(
        service, key, {"query": users, "variables": {"where": where, "first": first, "skip": skip}}
    )
    assert_same(service, key, {"query": OFFICIAL_2022_ME, "variables": None})
    key_where = {"user": {"id": None, "apiKey": key}, "id": None}
    assert_same(
        service, key, {"query": OFFICIAL_2022_COUNT_KEYS, "variables": {"where": key_where}}
    )
    keys_variables = {"where": key_where, "first": first, "skip": skip}
    assert_same(service, key, {"query": OFFICIAL_2022_KEYS, "variables": keys_variables})


@pytest.mark.parametrize("query", UNUSUAL)
@pytest.mark.parametrize("key", [TEST_API_KEY, USER_KEY])
def test_unusual_documents(service: GraphQLService, key: str, query: str) -> None:
    assert_same(service, key, {"query": query})
    assert_same(service, key, {"query": query, "operationName": "B"})


def test_the_fast_path_answers_the_common_documents(service: GraphQLService) -> None:
    # Without this, the tests above could compare the executor with itself.
    fast_path = service.fast_path
    assert fast_path is not None
    caller = service.accounts.authenticate(TEST_API_KEY)
    assert caller is not None
    page = {**dict.fromkeys(USERS_FLAGS, True), "where": {}, "first": 100, "skip": 0}
    official = OFFICIAL_2026_USERS.format(fragment=fragment(OFFICIAL_FIELDS))
    for query, variables in (
        (GENERATED["users"], page),
        (GENERATED["countUsers"], {"where": {}}),
        (GENERATED["viewer"], dict.fromkeys(VIEWER_FLAGS, True)),
        (official, {"where": {}, "first": 100, "skip": 0}),
        (OFFICIAL_2026_KEY_EXPIRY, {"where": {"key": TEST_API_KEY}}),
        (OFFICIAL_2022_ME, None),
        (UNUSUAL[1], None),
    ):
        prepared = service.prepare(query)
        assert not isinstance(prepared, tuple), prepared
        answer = fast_path.execute(prepared.document, caller, variables, None)
        assert answer is not None, query


@pytest.mark.parametrize(
    "query",
    [
        *(
            path.read_text()
            for path in sorted((ROOT / "queries").glob("*.graphql"))
            if "mutation" in path.read_text()
        ),
        "{ __schema { types { name } } }",
        "query A { viewer { id } } query B { me { id } }",
    ],
)
def test_mutations_introspection_and_ambiguous_operations_are_the_executors(
    service: GraphQLService, query: str
) -> None:
    fast_path = service.fast_path
    assert fast_path is not None
    document = parse(query + (ROOT / "queries" / "fragments.graphql").read_text())
    assert fast_path.plan(document, None) is None


def test_no_plan_is_kept_for_a_document_the_http_layer_does_not_cache(
    service: GraphQLService,
) -> None:
    # Before: 300 distinct 1 MB queries took the server from 71 to 613 MiB.
    service = GraphQLService(service.accounts, service.schema)
    fast_path = service.fast_path
    assert fast_path is not None
    caller = service.accounts.authenticate(TEST_API_KEY)
    assert caller is not None
    padding = " " * limits.MAX_CACHED_QUERY_LENGTH
    for n in range(3):
        query = f"{{ n{n}: viewer {{ id }} {padding} }}"
        body = json.dumps({"query": query}).encode()
        assert handle(service, caller, body) == ({"data": {f"n{n}": {"id": caller.user.id}}}, 200)
    assert fast_path.plan_count() == 0
    short = json.dumps({"query": "{ viewer { id } }"}).encode()
    handle(service, caller, short)
    assert fast_path.plan_count() == 1


class _PastAfter(Deadline):
    """A deadline that passes after `looks` looks at it: no clock, so no timing."""

    def __init__(self, looks: int) -> None:
        super().__init__(3600)
        self.looks = looks
        self.seen = 0

    def check(self) -> None:
        self.seen += 1
        if self.seen > self.looks:
            raise DeadlineExceeded


def test_the_fast_path_looks_at_the_deadline_before_each_sibling_field(
    service: GraphQLService,
) -> None:
    # Before: it looked once per level, so 990 sibling countUsers all ran past the deadline.
    fast_path = service.fast_path
    assert fast_path is not None
    caller = service.accounts.authenticate(TEST_API_KEY)
    assert caller is not None
    counts = " ".join(f"a{n}: countUsers(where: $w)" for n in range(20))
    query = "query($w: UserWhere!) { " + counts + " }"
    prepared = service.prepare(query)
    assert not isinstance(prepared, tuple), prepared
    variables = {"w": {"activated": False}}
    assert fast_path.execute(prepared.document, caller, variables, None) is not None
    deadline = _PastAfter(3)
    with pytest.raises(DeadlineExceeded):
        fast_path.execute(prepared.document, caller, variables, None, deadline=deadline)
    assert deadline.seen == 4  # stopped at the fourth field, not after the twentieth
