"""Limits and bad input beyond test_errors.py: encodings, variable types, lengths, crashes.

Every refusal is a GraphQL-shaped error with ``extensions.code`` (or, for throttling, a
plain 429): never a stack trace.
"""

from __future__ import annotations

import gzip
import logging
import sqlite3
from typing import Any

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_testkit.testing import TEST_API_KEY
from kili_typed_testkit.testing import GraphQLCaller as Gql

AUTH = {"Authorization": f"X-API-Key: {TEST_API_KEY}", "Content-Type": "application/json"}
USERS = (
    "query($w: UserWhere!, $f: PageSize, $s: Int) { users(where: $w, first: $f, skip: $s) { id } }"
)
CREATE = "mutation($d: CreateUserData!) { createUser(data: $d) { id } }"
UPDATE = (
    "mutation($d: UserData!, $w: UserWhere!) { updatePropertiesInUser(data: $d, where: $w) { id } }"
)


def assert_error_shape(body: dict[str, Any], code: str) -> None:
    assert body.get("data") is None
    for error in body["errors"]:
        assert "code" in error["extensions"]
        assert "Traceback" not in error["message"] and 'File "' not in error["message"]
    assert body["errors"][0]["extensions"]["code"] == code, body


def test_gzip_bodies_are_accepted(local_server: ServerThread, http: httpx.Client) -> None:
    # The 2026 SDK gzips bodies over 1 MB; any size must work.
    body = gzip.compress(b'{"query": "{ countUsers(where: {}) }"}')
    response = http.post(
        local_server.endpoint, content=body, headers={**AUTH, "Content-Encoding": "gzip"}
    )
    assert response.status_code == 200 and response.json() == {"data": {"countUsers": 1}}


def test_a_gzip_bomb_is_refused(local_server: ServerThread, http: httpx.Client) -> None:
    padding = b" " * (limits.MAX_BODY_BYTES * 4)  # compresses to a few kB
    body = gzip.compress(b'{"query": "{ countUsers(where: {}) }' + padding + b'"}')
    assert len(body) < limits.MAX_BODY_BYTES // 10
    response = http.post(
        local_server.endpoint, content=body, headers={**AUTH, "Content-Encoding": "gzip"}
    )
    assert response.status_code == 413
    assert_error_shape(response.json(), "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize(
    ("encoding", "content", "status", "code"),
    [
        ("br", b"whatever", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("gzip", b"not gzip at all", 400, None),
        (
            "gzip",
            gzip.compress(b'{"query": "{ countUsers(where: {}) }"}', mtime=0)[:-12],
            400,
            None,
        ),
    ],
    # Named: every process that collects the suite (xdist's workers) must agree on the ids.
    ids=["br", "not gzip", "truncated gzip"],
)
def test_bad_encodings(
    local_server: ServerThread,
    http: httpx.Client,
    encoding: str,
    content: bytes,
    status: int,
    code: str | None,
) -> None:
    response = http.post(
        local_server.endpoint, content=content, headers={**AUTH, "Content-Encoding": encoding}
    )
    assert response.status_code == status
    if code is None:
        # What Kili's body parser answers: not a GraphQL answer (see test_fidelity.py).
        assert response.headers["content-type"].startswith("text/plain")
        assert (
            response.text.startswith("Bad Request: the request body is") and "gzip" in response.text
        )
    else:
        assert_error_shape(response.json(), code)


@pytest.mark.parametrize(
    ("query", "variables", "status", "code"),
    [
        # Page sizes and offsets
        (USERS, {"w": {}, "f": "ten"}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "f": limits.MAX_PAGE_SIZE + 1}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "f": -1}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "f": 1.5}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "f": True}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "s": "0"}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "s": -1}, 200, "BAD_USER_INPUT"),
        (USERS, {"w": {}, "s": 2**40}, 400, "BAD_USER_INPUT"),
        ("{ users(where: {}, first: 1000) { id } }", None, 400, "BAD_USER_INPUT"),
        # Wrong shapes of input objects
        (USERS, {"w": "everyone"}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {"emial": "a@example.com"}}, 400, "BAD_USER_INPUT"),
        (USERS, {"w": {"idIn": "not-a-list"}}, 200, None),
        (USERS, {"w": {"idIn": [1, None]}}, 400, "BAD_USER_INPUT"),
        (CREATE, {"d": {"email": "a@example.com", "password": "pass-0123"}}, 400, "BAD_USER_INPUT"),
        (
            CREATE,
            {"d": {"email": "a@example.com", "password": "pass-0123", "organizationRole": "OWNER"}},
            400,
            "BAD_USER_INPUT",
        ),
        (
            UPDATE,
            {"d": {"activated": "no"}, "w": {"email": "a@example.com"}},
            400,
            "BAD_USER_INPUT",
        ),
        # Lengths
        (
            CREATE,
            {
                "d": {
                    "email": "a" * 250 + "@example.com",
                    "password": "pass-0123",
                    "organizationRole": "USER",
                }
            },
            200,
            "BAD_USER_INPUT",
        ),
        (
            CREATE,
            {
                "d": {
                    "email": "a@example.com",
                    "password": "pass-0123" * 200,
                    "organizationRole": "USER",
                }
            },
            200,
            "BAD_USER_INPUT",
        ),
        (
            UPDATE,
            {
                "d": {"firstname": "x" * (limits.MAX_NAME_LENGTH + 1)},
                "w": {"email": "admin@example.com"},
            },
            200,
            "BAD_USER_INPUT",
        ),
        (USERS, {"w": {"idIn": ["x"] * (limits.MAX_ID_IN + 1)}}, 200, "BAD_USER_INPUT"),
        # Unknown operations and fields
        ("{ deleteEverything }", None, 400, "GRAPHQL_VALIDATION_FAILED"),
        ("mutation { dropUsers }", None, 400, "GRAPHQL_VALIDATION_FAILED"),
        ("subscription { users }", None, 400, "BAD_USER_INPUT"),
        ("{ __type(name: 1) { name } }", None, 400, "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_bad_variables_and_lengths(
    gql: Gql, query: str, variables: dict[str, Any] | None, status: int, code: str | None
) -> None:
    answer = gql(query, variables)
    assert answer.status == status, answer.body
    if code is None:
        assert "errors" not in answer.body, answer.body
    else:
        assert_error_shape(answer.body, code)


def test_an_oversized_key_is_refused_like_any_other(gql: Gql) -> None:
    answer = gql("{ viewer { id } }", key="k" * (limits.MAX_API_KEY_LENGTH + 1))
    assert answer.status == 401
    assert_error_shape(answer.body, "UNAUTHENTICATED")


def test_a_failing_store_gives_a_generic_500(
    local_server: ServerThread,
    gql: Gql,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def locked(_key: str) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(local_server.store.accounts, "authenticate", locked)
    with caplog.at_level(logging.ERROR, logger="kili_typed_server"):
        answer = gql("{ viewer { id } }")
    assert answer.status == 500
    assert_error_shape(answer.body, "INTERNAL_SERVER_ERROR")
    assert answer.message == "Internal server error"
    assert "database is locked" not in str(answer.body)
    assert "database is locked" in caplog.text  # the operator sees what happened


def test_a_failing_resolver_gives_a_generic_error(
    local_server: ServerThread, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(local_server.store.accounts, "count_users", broken)
    answer = gql("{ countUsers(where: {}) }")
    assert answer.status == 200
    assert_error_shape(answer.body, "INTERNAL_SERVER_ERROR")
    assert "secret internals" not in str(answer.body)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            CREATE,
            {
                "d": {
                    "email": "a\x00b@x.test",
                    "password": "pass-word-0123",
                    "organizationRole": "USER",
                }
            },
        ),
        (
            CREATE,
            {
                "d": {
                    "email": "a\x9bb@x.test",
                    "password": "pass-word-0123",
                    "organizationRole": "USER",
                }
            },
        ),
        (UPDATE, {"d": {"firstname": "Ann\u202e"}, "w": {"email": "admin@example.com"}}),
        (UPDATE, {"d": {"lastname": "Lee\x7f"}, "w": {"email": "admin@example.com"}}),
        (UPDATE, {"d": {"email": "new\x01@x.test"}, "w": {"email": "admin@example.com"}}),
    ],
    ids=["email NUL", "email C1", "firstname bidi", "lastname DEL", "new email SOH"],
)
def test_control_and_format_characters_are_refused(
    gql: Gql, query: str, variables: dict[str, Any]
) -> None:
    answer = gql(query, variables)
    assert answer.code == "BAD_USER_INPUT"
    assert "control or format characters" in answer.message
    assert gql("{ countUsers(where: {}) }").data["countUsers"] == 1


def test_stored_control_characters_are_escaped_where_printed(
    local_server: ServerThread,
    gql: Gql,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A database written before the check may hold anything: the operator's terminal
    # (reset log line, keys list) must see escapes, never the raw codes.
    from kili_typed._cli import main

    raw = "eve\x1b[2J\u202egnp@x.test"
    store = local_server.store
    eve = store.create_user("eve@x.test", None)
    store.create_api_key("eve@x.test", name="eve's key")
    with store.database.transaction() as db:
        db.execute("UPDATE users SET email = ? WHERE email = 'eve@x.test'", (raw,))
        db.execute("UPDATE api_keys SET name = ? WHERE name = 'eve''s key'", ("eve\x07key",))
    with caplog.at_level(logging.WARNING, logger="kili_typed_server"):
        answer = gql(
            "mutation($w: UserWhere!) { resetPassword(where: $w) { id } }",
            {"w": {"id": eve.id}},
        )
        assert answer.status == 200, answer.body
    (line,) = [r.getMessage() for r in caplog.records if "password reset" in r.getMessage()]
    assert "eve\\x1b[2J\\u202egnp@x.test" in line and "\x1b" not in line and "\u202e" not in line
    assert main(["keys", "list", "--db", str(local_server.db_path)]) == 0
    listing = capsys.readouterr().out
    assert "\x1b" not in listing and "\u202e" not in listing and "\x07" not in listing
    assert "eve\\x1b[2J\\u202egnp@x.test" in listing
