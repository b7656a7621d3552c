"""How failures map onto the error tree (pure: responses built in memory)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pydantic
import pytest
from kili_typed_generated.exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)

from kili_typed import errors
from kili_typed.error_mapping import map_exception, parse_retry_after

KEY = "very-secret-key"


def http_error(status: int, body: str, headers: dict[str, str] | None = None) -> Exception:
    response = httpx.Response(status, text=body, headers=headers or {})
    return GraphQLClientHttpError(status_code=status, response=response)


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (
            http_error(
                401,
                '{"errors": [{"message": "Unauthorized", '
                '"extensions": {"code": "UNAUTHENTICATED"}}]}',
            ),
            errors.AuthenticationError,
            "users: HTTP 401: Unauthorized",
        ),
        (http_error(403, "nope"), errors.PermissionDeniedError, "HTTP 403: nope"),
        (http_error(502, "<html>Bad gateway</html>"), errors.ServerError, "HTTP 502"),
        (http_error(418, "teapot"), errors.HTTPStatusError, "HTTP 418: teapot"),
        (http_error(429, "slow down", {"Retry-After": "7"}), errors.RateLimitError, "HTTP 429"),
        (httpx.ConnectError("refused"), errors.KiliConnectionError, "connection failed: refused"),
        (httpx.ReadTimeout("slow"), errors.KiliTimeoutError, "timed out (ReadTimeout)"),
        (
            GraphQLClientInvalidResponseError(response=httpx.Response(200, text="<html>")),
            errors.MalformedResponseError,
            "not GraphQL JSON",
        ),
        (KeyError("message"), errors.MalformedResponseError, "expected shape"),
    ],
)
def test_mapping(exc: Exception, kind: type[errors.KiliError], text: str) -> None:
    mapped = map_exception(exc, "users", [KEY])
    assert type(mapped) is kind
    assert text in str(mapped)
    assert mapped.operation == "users"


def test_a_400_with_graphql_errors_is_a_graphql_error() -> None:
    body = json.dumps(
        {"errors": [{"message": "first must be 0..100", "extensions": {"code": "BAD_USER_INPUT"}}]}
    )
    mapped = map_exception(http_error(400, body), "users", [])
    assert isinstance(mapped, errors.GraphQLError)
    assert mapped.code == "BAD_USER_INPUT"
    assert str(mapped) == "users: first must be 0..100 (BAD_USER_INPUT)"


def test_rate_limit_carries_the_wait() -> None:
    mapped = map_exception(http_error(429, "", {"Retry-After": "7"}), "users", [])
    assert isinstance(mapped, errors.RateLimitError)
    assert mapped.retry_after == 7.0
    assert mapped.status_code == 429


def test_graphql_errors_carry_every_detail_and_partial_data() -> None:
    exc = GraphQLClientGraphQLMultiError.from_errors_dicts(
        [
            {"message": "no such user", "path": ["users"], "extensions": {"code": "NOT_FOUND"}},
            {"message": "second"},
        ],
        data={"users": None},
    )
    mapped = map_exception(exc, "users", [])
    assert isinstance(mapped, errors.GraphQLError)
    assert mapped.code == "NOT_FOUND"
    assert [e.message for e in mapped.errors] == ["no such user", "second"]
    assert mapped.errors[0].path == ["users"]
    assert mapped.errors[1].code is None
    assert mapped.data == {"users": None}
    assert str(mapped) == "users: no such user (NOT_FOUND); second"


def test_secrets_echoed_by_the_server_are_redacted() -> None:
    exc = GraphQLClientGraphQLMultiError.from_errors_dicts(
        [{"message": f"bad key {KEY} or password hunter22", "extensions": {"code": "X"}}]
    )
    mapped = map_exception(exc, "createUser", [KEY, "hunter22"])
    assert isinstance(mapped, errors.GraphQLError)
    assert KEY not in str(mapped) and "hunter22" not in str(mapped)
    assert KEY not in repr(mapped.errors)
    body = http_error(500, f"boom {KEY}")
    assert KEY not in str(map_exception(body, "users", [KEY]))


def test_validation_errors_do_not_show_the_input() -> None:
    class M(pydantic.BaseModel):
        x: int

    with pytest.raises(pydantic.ValidationError) as info:
        M.model_validate({"x": "hunter22"})
    mapped = map_exception(info.value, "users", [])
    assert isinstance(mapped, errors.MalformedResponseError)
    assert "hunter22" not in str(mapped)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("Sun, 29 Nov 2026 10:00:30 GMT", 30.0),
        ("Sun, 29 Nov 2026 09:59:00 GMT", 0.0),
        ("soon", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(header, now=now) == seconds
