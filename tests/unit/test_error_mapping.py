"""How failures map onto the error tree (pure: answers and exceptions built in memory)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kili_typed_generated.exceptions import GraphQLClientError
from kili_typed_generated.wire import read_data

from kili_typed import errors
from kili_typed._answers import parse_answer
from kili_typed._error_mapping import NO_MESSAGE, map_exception, parse_retry_after

KEY = "very-secret-key"
HTML = "text/html; charset=utf-8"


def answer(
    status: int,
    body: object,
    *,
    content_type: str | None = None,
    retry_after: str | None = None,
) -> GraphQLClientError:
    """What the generated client raises for an answer: `body` as JSON unless it is str."""
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    headers = {"content-type": content_type or "", "retry-after": retry_after or ""}
    response = httpx.Response(
        status, content=content, headers={k: v for k, v in headers.items() if v}
    )
    with pytest.raises(GraphQLClientError) as refused:
        read_data(response)
    return refused.value


def gql_errors(*entries: dict[str, Any], data: Any = None) -> dict[str, Any]:
    return {"errors": list(entries), "data": data}


UNAUTHENTICATED = {"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}

# (name, what was raised, expected class, text expected in the message)
CASES: list[tuple[str, BaseException, type[errors.KiliError], str]] = [
    # HTTP error statuses
    (
        "401",
        answer(401, gql_errors(UNAUTHENTICATED)),
        errors.AuthenticationError,
        "users: HTTP 401: Unauthorized",
    ),
    ("403", answer(403, "nope"), errors.PermissionDeniedError, "users: HTTP 403: 'nope'"),
    (
        "502 HTML page",
        answer(502, "<html><title>502 Bad Gateway</title><body>nginx</body></html>"),
        errors.ServerError,
        "users: HTTP 502: an HTML page ('502 Bad Gateway')",
    ),
    ("504 empty", answer(504, ""), errors.ServerError, "users: HTTP 504: an empty body"),
    ("418", answer(418, "teapot"), errors.HTTPStatusError, "users: HTTP 418: 'teapot'"),
    (
        "429",
        answer(429, "slow down", retry_after="7"),
        errors.RateLimitError,
        "users: HTTP 429: 'slow down'",
    ),
    (
        "400 GraphQL errors",
        answer(400, gql_errors({"message": "bad", "extensions": {"code": "BAD_USER_INPUT"}})),
        errors.GraphQLError,
        "users: bad (BAD_USER_INPUT)",
    ),
    # 2xx answers that are not a GraphQL success
    (
        "not JSON",
        answer(200, "hello there"),
        errors.MalformedResponseError,
        "users: the answer is not JSON but 'hello there'",
    ),
    (
        "HTML page",
        answer(200, "<!doctype html><title>Maintenance</title>", content_type=HTML),
        errors.MalformedResponseError,
        "users: the answer is not JSON but an HTML page ('Maintenance')",
    ),
    (
        "empty body",
        answer(200, ""),
        errors.MalformedResponseError,
        "users: the answer is not JSON but an empty body",
    ),
    (
        "JSON array",
        answer(200, []),
        errors.MalformedResponseError,
        "users: the answer is an array, not a GraphQL object",
    ),
    (
        "no data",
        answer(200, {}),
        errors.MalformedResponseError,
        "users: the answer has neither 'data' nor 'errors'",
    ),
    (
        "data null",
        answer(200, {"data": None}),
        errors.MalformedResponseError,
        "users: the answer's 'data' is null and it lists no errors",
    ),
    (
        "data list",
        answer(200, {"data": [1]}),
        errors.MalformedResponseError,
        "users: the answer's 'data' is an array, not an object",
    ),
    (
        "errors a string",
        answer(200, {"errors": "boom", "data": None}),
        errors.MalformedResponseError,
        "users: the answer's 'errors' is a string, not a list of objects",
    ),
    (
        "errors of numbers",
        answer(200, {"errors": [1, 2]}),
        errors.MalformedResponseError,
        "users: the answer's 'errors' holds something other than objects",
    ),
    (
        "errors without extensions",
        answer(200, gql_errors({"message": "boom"})),
        errors.GraphQLError,
        "users: boom",
    ),
    (
        "errors without message",
        answer(200, gql_errors({"extensions": {"code": "INTERNAL"}})),
        errors.GraphQLError,
        f"users: {NO_MESSAGE} (INTERNAL)",
    ),
    # failures to send or receive
    (
        "refused",
        httpx.ConnectError("refused"),
        errors.KiliConnectionError,
        "users: connection failed: refused",
    ),
    (
        "read timeout",
        httpx.ReadTimeout("slow"),
        errors.KiliTimeoutError,
        "users: timed out (ReadTimeout: slow)",
    ),
    (
        "reset",
        httpx.ReadError("[Errno 104] Connection reset by peer"),
        errors.KiliConnectionError,
        "users: connection failed: [Errno 104] Connection reset by peer",
    ),
    (
        "cut short",
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        errors.KiliConnectionError,
        "without sending complete message body",
    ),
    (
        "undecodable",
        httpx.DecodingError("bad gzip"),
        errors.MalformedResponseError,
        "users: the answer's body could not be decoded",
    ),
]


@pytest.mark.parametrize(("exc", "kind", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mapping(exc: BaseException, kind: type[errors.KiliError], text: str) -> None:
    mapped = map_exception(exc, "users", [KEY])
    assert type(mapped) is kind
    assert text in str(mapped)
    assert mapped.operation == "users"


@pytest.mark.parametrize(
    ("exc", "sent"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow"), False),
        (httpx.PoolTimeout("busy"), False),
        (httpx.ReadTimeout("slow"), True),
        (httpx.WriteTimeout("slow"), True),
        (httpx.ReadError("reset"), True),
        (httpx.RemoteProtocolError("closed"), True),
    ],
)
def test_connection_errors_say_whether_the_request_left(exc: Exception, sent: bool) -> None:
    mapped = map_exception(exc, "createUser", [])
    assert isinstance(mapped, errors.KiliConnectionError)
    assert mapped.request_sent is sent


@pytest.mark.parametrize(
    "exc", [KeyError("message"), TypeError("oops"), ValueError("bug"), AttributeError("x")]
)
def test_our_own_bugs_are_not_disguised(exc: Exception) -> None:
    assert map_exception(exc, "users", []) is None


def test_a_kili_error_is_kept() -> None:
    error = errors.MalformedResponseError("users: x", operation="users")
    assert map_exception(error, "users", []) is error


def test_waits_are_read_from_retry_after() -> None:
    limited = map_exception(answer(429, "", retry_after="7"), "users", [])
    assert isinstance(limited, errors.RateLimitError)
    assert (limited.retry_after, limited.status_code) == (7.0, 429)
    unsaid = map_exception(answer(429, ""), "users", [])
    assert isinstance(unsaid, errors.RateLimitError) and unsaid.retry_after is None
    busy = map_exception(answer(503, "", retry_after="2"), "users", [])
    assert isinstance(busy, errors.ServerError) and busy.retry_after == 2.0


def test_graphql_errors_carry_every_detail_and_partial_data() -> None:
    exc = answer(
        200,
        gql_errors(
            {"message": "no such user", "path": ["users", 0], "extensions": {"code": "NOT_FOUND"}},
            {"message": "second", "path": "not a path"},
            data={"users": None},
        ),
    )
    mapped = map_exception(exc, "users", [])
    assert isinstance(mapped, errors.GraphQLError)
    assert mapped.code == "NOT_FOUND"
    assert [e.message for e in mapped.errors] == ["no such user", "second"]
    assert mapped.errors[0].path == ["users", 0]
    assert mapped.errors[0].extensions == {"code": "NOT_FOUND"}
    assert mapped.errors[1].path is None
    assert mapped.errors[1].code is None and mapped.errors[1].extensions == {}
    assert mapped.data == {"users": None}
    assert mapped.operation == "users"
    assert str(mapped) == "users: no such user (NOT_FOUND); second"


def test_a_successful_answer_goes_through_parsed_once() -> None:
    content = json.dumps({"data": {"countUsers": 3}, "errors": []}).encode()
    assert read_data(httpx.Response(200, content=content)) == {"countUsers": 3}


def test_secrets_echoed_by_the_server_are_redacted() -> None:
    echoed = answer(200, gql_errors({"message": f"bad key {KEY} or password hunter22"}))
    mapped = map_exception(echoed, "createUser", [KEY, "hunter22"])
    assert isinstance(mapped, errors.GraphQLError)
    assert KEY not in str(mapped) and "hunter22" not in str(mapped)
    assert KEY not in repr(mapped.errors)
    for raw in (answer(500, f"boom {KEY}"), answer(200, f"not json {KEY}")):
        assert KEY not in str(map_exception(raw, "users", [KEY]))


def test_validation_errors_say_where_but_not_the_value() -> None:
    class M(pydantic.BaseModel):
        x: int

    with pytest.raises(pydantic.ValidationError) as info:
        M.model_validate({"x": "hunter22"})
    mapped = map_exception(info.value, "users", [])
    assert isinstance(mapped, errors.MalformedResponseError)
    assert str(mapped).startswith("users: the answer does not have the expected shape: x: ")
    assert "hunter22" not in str(mapped)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("nan", None),
        ("inf", None),
        ("Sun, 29 Nov 2026 10:00:30 GMT", 30.0),
        ("Sun, 29 Nov 2026 09:59:00 GMT", 0.0),
        ("soon", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(header, now=now) == seconds


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@given(value=JSON_VALUES, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_answers_are_parsed_as_json_loads_parses_them(value: object, encoding: str) -> None:
    content = json.dumps(value, ensure_ascii=False).encode(encoding, errors="surrogatepass")
    parsed = parse_answer(200, content)
    expected = json.loads(content)
    assert parsed.is_json
    assert json.dumps(parsed.body) == json.dumps(expected)


@given(content=st.binary(max_size=40))
def test_bytes_that_json_loads_refuses_are_not_json(content: bytes) -> None:
    try:
        expected = json.loads(content)
    except (ValueError, RecursionError):
        assert not parse_answer(200, content).is_json
    else:
        assert json.dumps(parse_answer(200, content).body) == json.dumps(expected)
