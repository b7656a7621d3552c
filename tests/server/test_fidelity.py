"""HTTP behaviour of Kili's server (Apollo Server 4 defaults), third round (issue 20).

Each check sends the raw request an official client or a browser would, over loopback.
"""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
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
        401: http.post(endpoint, json={"query": "{ viewer { id } }"}),
        405: http.get(endpoint, headers=KEY),
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
