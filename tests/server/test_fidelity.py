"""HTTP behaviour of Kili's server (Apollo Server 4 defaults), rounds three and four.

Each check sends the raw request an official client or a browser would, over loopback.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable
from urllib.parse import urlencode

import httpx
import pytest

from kili_typed import AuthenticationError, Kili
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_server.http.app import KILI_API_RELEASE
from kili_typed_server.http.request_rules import CONTENT_TYPE_MESSAGE, CSRF_MESSAGE
from kili_typed_testkit.testing import TEST_API_KEY

KEY = {"Authorization": f"X-API-Key: {TEST_API_KEY}"}
BODY = json.dumps({"query": "{ countUsers(where: {}) }"}).encode()


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"],
)
def test_a_simple_post_is_refused_as_csrf(
    local_server: ServerThread, http: httpx.Client, content_type: str | None
) -> None:
    # Before: executed (200). Apollo Server's CSRF prevention answers 400.
    headers = dict(KEY) if content_type is None else {**KEY, "Content-Type": content_type}
    response = http.post(local_server.endpoint, content=BODY, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": CSRF_MESSAGE, "extensions": {"code": "BAD_REQUEST"}}]
    }


def test_a_preflighted_post_of_another_type_is_not_read_as_json(
    local_server: ServerThread, http: httpx.Client
) -> None:
    headers = {**KEY, "Content-Type": "text/plain", "apollo-require-preflight": "true"}
    response = http.post(local_server.endpoint, content=BODY, headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == CONTENT_TYPE_MESSAGE
    json_headers = {**KEY, "Content-Type": "application/json; charset=utf-8"}
    assert http.post(local_server.endpoint, content=BODY, headers=json_headers).json() == {
        "data": {"countUsers": 1}
    }


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/json; charset=utf-8"),
        ("*/*", "application/json; charset=utf-8"),
        ("application/json", "application/json; charset=utf-8"),
        ("application/graphql-response+json", "application/graphql-response+json; charset=utf-8"),
        (
            "application/graphql-response+json, application/json;q=0.9",
            "application/graphql-response+json; charset=utf-8",
        ),
        ("application/json, application/graphql-response+json", "application/json; charset=utf-8"),
    ],
)
def test_the_answer_takes_the_accepted_media_type(
    local_server: ServerThread, http: httpx.Client, accept: str | None, content_type: str
) -> None:
    headers = {**KEY, "Content-Type": "application/json"}
    if accept is not None:
        headers["Accept"] = accept
    else:
        http.headers.pop("Accept", None)
    for body in (BODY, b'{"query": "{ nope }"}'):
        response = http.post(local_server.endpoint, content=body, headers=headers)
        assert response.headers["content-type"] == content_type


def test_an_unacceptable_accept_is_406(local_server: ServerThread, http: httpx.Client) -> None:
    headers = {**KEY, "Accept": "text/html"}
    response = http.post(
        local_server.endpoint, json={"query": "{ viewer { id } }"}, headers=headers
    )
    assert response.status_code == 406
    assert "does not accept application/json" in response.json()["errors"][0]["message"]


def test_an_unreadable_body_is_not_a_graphql_answer(
    local_server: ServerThread, http: httpx.Client
) -> None:
    # gzip bytes whose Content-Encoding a proxy dropped: the 2026 SDK resends its request
    # uncompressed when the 400 is not a GraphQL answer (neither "data" nor "errors").
    headers = {**KEY, "Content-Type": "application/json"}
    response = http.post(local_server.endpoint, content=gzip.compress(BODY), headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Bad Request: the request body is not valid JSON"
    again = http.post(local_server.endpoint, content=BODY, headers=headers)
    assert again.json() == {"data": {"countUsers": 1}}


def test_request_errors_have_no_data_key(local_server: ServerThread, http: httpx.Client) -> None:
    endpoint = local_server.endpoint
    answers = {
        405: http.put(endpoint, content=BODY, headers={**KEY, "Content-Type": "application/json"}),
        413: http.post(
            endpoint, json={"query": "{ viewer { id } }", "pad": "x" * 2**20}, headers=KEY
        ),
        415: http.post(
            endpoint,
            content=BODY,
            headers={**KEY, "Content-Type": "application/json", "Content-Encoding": "br"},
        ),
        400: http.post(endpoint, json={"query": "{ viewer { id } }", "variables": []}, headers=KEY),
    }
    for status, response in answers.items():
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"errors"}, body
        assert body["errors"][0]["extensions"]["code"]


def test_the_version_is_one_the_2022_sdks_accept(
    local_server: ServerThread, http: httpx.Client
) -> None:
    # The 2022 SDK (2.128) warns "pip install kili==X" when the major.minor differ.
    version = http.get(local_server.version_url).json()["version"]
    major, minor, patch = version.split(".")
    assert f"{major}.{minor}" == KILI_API_RELEASE == "2.128"
    assert patch.isdigit()


# -- round four (issue 27) -------------------------------------------------------------------

COUNT = "{ countUsers(where: {}) }"
PREFLIGHT = {"apollo-require-preflight": "true"}


def test_a_refused_key_gets_a_plain_unauthorized(
    local_server: ServerThread, http: httpx.Client
) -> None:
    # Kili's authentication middleware answers before Apollo Server and before the body
    # is parsed: neither the CSRF rules, nor the method, nor an unreadable body matter.
    refused = {"Authorization": "X-API-Key: not-a-known-key-0123456789"}
    for response in (
        http.post(local_server.endpoint, json={"query": COUNT}, headers=refused),
        http.post(
            local_server.endpoint, content=b"{not json", headers={"Content-Type": "text/plain"}
        ),
        http.get(local_server.endpoint, params={"query": COUNT}),
        http.put(local_server.endpoint, headers=refused),
    ):
        assert response.status_code == 401
        assert response.text == "Unauthorized"
        assert response.headers["content-type"].startswith("text/plain")


def test_our_client_names_the_plain_401_without_the_key(local_server: ServerThread) -> None:
    wrong = "kt_wrong-key-0123456789abcdef"
    kili = Kili(api_key=wrong, api_endpoint=local_server.endpoint)
    with kili, pytest.raises(AuthenticationError) as raised:
        kili.count_users()
    assert raised.value.status_code == 401
    assert "the API key was not accepted" in str(raised.value)
    assert wrong not in str(raised.value) and "0123456789abcdef" not in repr(raised.value)


def test_options_is_a_204_preflight_without_a_key(
    local_server: ServerThread, http: httpx.Client
) -> None:
    response = http.options(
        local_server.endpoint,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response.content == b""
    assert "POST" in response.headers["access-control-allow-methods"]
    # No foreign origin is granted.
    assert "access-control-allow-origin" not in response.headers


def test_a_get_query_needs_a_preflight_header(
    local_server: ServerThread, http: httpx.Client
) -> None:
    url = f"{local_server.endpoint}?{urlencode({'query': COUNT})}"
    refused = http.get(url, headers=KEY)
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [{"message": CSRF_MESSAGE, "extensions": {"code": "BAD_REQUEST"}}]
    }
    for header in (
        PREFLIGHT,
        {"x-apollo-operation-name": "Count"},
        {"Content-Type": "application/json"},
    ):
        ran = http.get(url, headers={**KEY, **header})
        assert ran.status_code == 200, ran.text
        assert ran.json() == {"data": {"countUsers": 1}}


def test_a_get_query_takes_variables_and_operation_name(
    local_server: ServerThread, http: httpx.Client
) -> None:
    params = {
        "query": "query A { viewer { id } } query B($e: String) { countUsers(where: {email: $e}) }",
        "operationName": "B",
        "variables": json.dumps({"e": "nobody@example.com"}),
    }
    ran = http.get(local_server.endpoint, params=params, headers={**KEY, **PREFLIGHT})
    assert ran.json() == {"data": {"countUsers": 0}}
    cases: list[tuple[list[tuple[str, str]], str]] = [
        (
            [*params.items(), ("variables", "{")],
            "The 'variables' search parameter may only be specified once.",
        ),
        (
            [("query", COUNT), ("variables", "{")],
            "The variables search parameter contains invalid JSON.",
        ),
        (
            [("query", COUNT), ("extensions", "[1]")],
            "The extensions search parameter should contain a JSON-encoded object.",
        ),
        (
            [("query", COUNT), ("query", COUNT)],
            "The 'query' search parameter may only be specified once.",
        ),
    ]
    for bad, message in cases:
        refused = http.get(
            local_server.endpoint, params=urlencode(bad), headers={**KEY, **PREFLIGHT}
        )
        assert refused.status_code == 400
        assert refused.json()["errors"][0] == {
            "message": message,
            "extensions": {"code": "BAD_REQUEST"},
        }


def test_a_get_mutation_is_a_405_allowing_post(
    local_server: ServerThread, http: httpx.Client
) -> None:
    mutation = 'mutation { resetPassword(where: {email: "user@example.com"}) { id } }'
    response = http.get(
        local_server.endpoint, params={"query": mutation}, headers={**KEY, **PREFLIGHT}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {
        "errors": [
            {
                "message": "GET requests only support query operations, not mutation operations",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


def test_other_methods_are_a_405_allowing_get_and_post(
    local_server: ServerThread, http: httpx.Client
) -> None:
    headers = {**KEY, "Content-Type": "application/json"}
    for method in ("PUT", "PATCH", "DELETE"):
        response = http.request(method, local_server.endpoint, content=BODY, headers=headers)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.json()["errors"][0]["message"] == (
            "Apollo Server supports only GET/POST requests."
        )


def _persisted(sha: str, query: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    if query is not None:
        body["query"] = query
    return body


Post = Callable[[dict[str, object]], httpx.Response]


@pytest.fixture
def post(local_server: ServerThread, http: httpx.Client) -> Post:
    """Posts a JSON body with the admin's key."""

    def send(body: dict[str, object]) -> httpx.Response:
        return http.post(local_server.endpoint, json=body, headers=KEY)

    return send


def test_persisted_queries_as_apollo_serves_them(
    local_server: ServerThread, http: httpx.Client, post: Post
) -> None:
    query = "{ viewer { email } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    # The hash alone, unknown: 200 with one error, uncached.
    unknown = post(_persisted(sha))
    assert unknown.status_code == 200
    assert unknown.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert unknown.headers["cache-control"] == "private, no-cache, must-revalidate"
    # A document with a hash that is not its own: 400, and it does not run.
    wrong = post(_persisted("0" * 64, query))
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["message"] == "provided sha does not match query"
    assert post(_persisted(sha, query + " ")).status_code == 400
    assert post(_persisted(sha)).json()["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    # The document with its own hash runs and registers it: the hash alone then runs too,
    # over GET as well.
    registered = post(_persisted(sha, query))
    assert registered.json() == {"data": {"viewer": {"email": local_server.admin_email}}}
    assert post(_persisted(sha)).json() == registered.json()
    params = {"extensions": json.dumps(_persisted(sha)["extensions"])}
    over_get = http.get(local_server.endpoint, params=params, headers={**KEY, **PREFLIGHT})
    assert over_get.json() == registered.json()
    # Another version of the protocol is refused.
    other: dict[str, object] = {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": sha}}}
    assert post(other).status_code == 400


def test_a_document_that_does_not_validate_is_not_registered(post: Post) -> None:
    query = "{ viewer { nope } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    assert post(_persisted(sha, query)).json()["errors"][0]["extensions"]["code"] == (
        "GRAPHQL_VALIDATION_FAILED"
    )
    assert post(_persisted(sha)).json()["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


@pytest.mark.parametrize(
    ("operation_name", "message"),
    [
        ("Other", 'Unknown operation named "Other".'),
        (None, "Must provide operation name if query contains multiple operations."),
    ],
)
def test_an_unresolved_operation_is_an_operation_resolution_failure(
    local_server: ServerThread, http: httpx.Client, operation_name: str | None, message: str
) -> None:
    body = {
        "query": "query A { viewer { id } } query B { countUsers(where: {}) }",
        "operationName": operation_name,
    }
    response = http.post(local_server.endpoint, json=body, headers=KEY)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"}}]
    }


@pytest.mark.parametrize("encoding", ["deflate", "gzip"])
def test_deflate_is_accepted_as_gzip_is(
    local_server: ServerThread, http: httpx.Client, encoding: str
) -> None:
    compress = zlib.compress if encoding == "deflate" else gzip.compress
    headers = {**KEY, "Content-Type": "application/json", "Content-Encoding": encoding}
    response = http.post(local_server.endpoint, content=compress(BODY), headers=headers)
    assert response.json() == {"data": {"countUsers": 1}}
    # The same bound on the decompressed size: a small body inflating past it is a 413.
    padded = json.dumps({"query": COUNT, "pad": " " * limits.MAX_BODY_BYTES}).encode()
    bomb = compress(padded)
    assert len(bomb) < 10_000
    too_large = http.post(local_server.endpoint, content=bomb, headers=headers)
    assert too_large.status_code == 413
    # Broken or truncated streams are unreadable bodies, as gzip's are.
    truncated = http.post(local_server.endpoint, content=compress(BODY)[:-4], headers=headers)
    assert truncated.status_code == 400
    assert truncated.text == f"Bad Request: the request body is truncated {encoding}"


def test_highest_role_in_project_compute_is_served(
    local_server: ServerThread, http: httpx.Client
) -> None:
    query = "{ viewer { highestRoleInProject highestRoleInProjectCompute } }"
    answer = http.post(local_server.endpoint, json={"query": query}, headers=KEY).json()
    viewer = answer["data"]["viewer"]
    assert viewer["highestRoleInProjectCompute"] == viewer["highestRoleInProject"]
    introspected = http.post(
        local_server.endpoint,
        json={"query": '{ __type(name: "User") { fields { name type { kind name } } } }'},
        headers=KEY,
    ).json()
    fields = {f["name"]: f["type"] for f in introspected["data"]["__type"]["fields"]}
    assert fields["highestRoleInProjectCompute"] == {"kind": "SCALAR", "name": "String"}
    # Our client selects it as any other documented field of User.
    with Kili(api_key=TEST_API_KEY, api_endpoint=local_server.endpoint) as kili:
        rows = kili.users(fields=["email", "highestRoleInProjectCompute"], first=1)
    assert rows == [
        {
            "email": local_server.admin_email,
            "highestRoleInProjectCompute": viewer["highestRoleInProject"],
        }
    ]
