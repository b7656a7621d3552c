"""Turning what went wrong during a call into the project's own errors. Pure.

Three things can go wrong in a call of the generated client, and each maps here:

- httpx fails to send or to receive (`KiliConnectionError`, `KiliTimeoutError`);
- the answer is not a successful GraphQL answer (the generated client's
  ``GraphQLClientHttpError``, ``GraphQLClientGraphQLMultiError`` or
  ``GraphQLClientInvalidResponseError``): an HTTP error status, GraphQL errors, or not
  the expected JSON (not JSON at all, or nested too deeply to be read);
- the answer's ``data`` does not fit the generated models (`pydantic.ValidationError`).

Anything else is a bug of kili-typed and is not disguised: `map_exception`
returns ``None`` for it and the facade lets it through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, cast

import httpx
import pydantic

from ._answers import Answer, answer_of, object_or_none, too_deep
from ._bounds import AnswerTooLarge
from ._constants import GRAPHQL_PATH
from ._redaction import redact, redact_json
from .errors import (
    AuthenticationError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
    MalformedResponseError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)

_MAX_BODY_IN_MESSAGE = 200
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
#: Errors where httpx never established the connection: the server got nothing.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: What an answer nested too deeply to be read is said to be.
TOO_DEEP = "the answer is JSON nested too deeply to be read"
#: What an entry of ``errors`` without a message says instead.
NO_MESSAGE = "(the server gave no message)"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: seconds or an HTTP date.

    Args:
        value: The header's value, if any.
        now: The current time, for an HTTP date (default: the clock's).

    Returns:
        Seconds, never negative; ``None`` when absent or unreadable.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, inf
        return None
    return max(0.0, seconds)


def _json_kind(value: Any) -> str:
    kinds: dict[type, str] = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
    }
    if value is None:
        return "null"
    return kinds.get(type(cast(object, value)), "a number")


def _looks_like_html(answer: Answer) -> bool:
    if answer.content_type and "html" in answer.content_type.lower():
        return True
    return answer.text.lstrip()[:1] == "<"


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text[:_MAX_BODY_IN_MESSAGE] + ("..." if len(text) > _MAX_BODY_IN_MESSAGE else "")


def describe_body(answer: Answer) -> str:
    """A short, readable account of a body that is not the expected JSON."""
    if not answer.content.strip():
        return "an empty body"
    if _looks_like_html(answer):
        title = _TITLE.search(answer.text)
        return f"an HTML page ({_snippet(title.group(1))!r})" if title else "an HTML page"
    return repr(_snippet(answer.text))


def _error_entries(body: Any) -> list[dict[str, Any]] | None:
    """The ``errors`` list of a GraphQL body when it is a non-empty list of objects."""
    errors: object = (object_or_none(body) or {}).get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    entries = [object_or_none(entry) for entry in cast("list[object]", errors)]
    if any(entry is None for entry in entries):
        return None
    return [entry for entry in entries if entry is not None]


def error_detail(entry: dict[str, Any], secrets: Iterable[str] = ()) -> GraphQLErrorDetail:
    """One entry of ``errors`` as a `GraphQLErrorDetail`; missing parts are tolerated.

    The spec requires ``message``; ``extensions`` (and so ``code``) and ``path``
    are optional, and an official client crashes on an error without them.
    """
    message = entry.get("message")
    extensions: dict[str, Any] = redact_json(object_or_none(entry.get("extensions")) or {}, secrets)
    code = extensions.get("code")
    path: object = entry.get("path")
    steps = cast("list[object]", path) if isinstance(path, list) else []
    # A server may echo what it was sent anywhere, the path's keys included.
    good_path = [
        redact(step, secrets) if isinstance(step, str) else step
        for step in steps
        if isinstance(step, (str, int))
    ]
    return GraphQLErrorDetail(
        message=redact(message, secrets) if isinstance(message, str) and message else NO_MESSAGE,
        code=str(code) if code is not None else None,
        path=good_path if good_path and len(good_path) == len(steps) else None,
        extensions=extensions,
    )


def _graphql_error(
    errors: list[dict[str, Any]], data: Any, operation: str, secrets: tuple[str, ...]
) -> GraphQLError:
    details = [error_detail(e, secrets) for e in errors]
    summary = "; ".join(f"{d.message} ({d.code})" if d.code else d.message for d in details)
    return GraphQLError(f"{operation}: {summary}", errors=details, operation=operation, data=data)


def shape_problem(answer: Answer) -> str:
    """What is wrong with a 2xx answer that carries no GraphQL errors."""
    body = answer.body
    if answer.too_deep:
        return TOO_DEEP
    if not answer.is_json:
        return f"the answer is not JSON but {describe_body(answer)}"
    if not isinstance(body, dict):
        return f"the answer is {_json_kind(body)}, not a GraphQL object"
    errors: object = cast("dict[str, Any]", body).get("errors")
    if isinstance(errors, list) and errors:
        return "the answer's 'errors' holds something other than objects"
    if errors:
        return f"the answer's 'errors' is {_json_kind(errors)}, not a list of objects"
    if "data" not in body:
        return "the answer has neither 'data' nor 'errors'"
    if body["data"] is None:
        return "the answer's 'data' is null and it lists no errors"
    return f"the answer's 'data' is {_json_kind(body['data'])}, not an object"


def answer_error(answer: Answer, operation: str, secrets: Iterable[str] = ()) -> KiliError:
    """The `KiliError` for an answer the generated client cannot read.

    Args:
        answer: An answer the generated client refused.
        operation: The GraphQL operation name, e.g. ``"users"``.
        secrets: Values to keep out of the message (API key, passwords).

    Returns:
        An `HTTPStatusError` subclass for an error status (a `GraphQLError` for a
        400 listing GraphQL errors), a `GraphQLError` for errors in a 2xx answer,
        else a `MalformedResponseError` saying what is wrong.
    """
    secrets = tuple(secrets)
    status = answer.status_code
    errors = _error_entries(answer.body) if answer.is_json else None
    data = (object_or_none(answer.body) or {}).get("data")
    if answer.is_success:
        if errors is not None:
            return _graphql_error(errors, data, operation, secrets)
        return MalformedResponseError(
            f"{operation}: {redact(shape_problem(answer), secrets)}", operation=operation
        )
    if status == 400 and errors is not None:
        # GraphQL servers answer 400 to documents or variables they reject.
        return _graphql_error(errors, data, operation, secrets)
    if errors is not None:
        said = "; ".join(error_detail(e, secrets).message for e in errors)
    else:
        said = redact(
            describe_body(answer) if not answer.is_json else _snippet(answer.text), secrets
        )
    message = f"{operation}: HTTP {status}: {said}"
    if status == 404:
        message += f"; is the endpoint Kili's GraphQL path (it ends with {GRAPHQL_PATH})?"
    wait = parse_retry_after(answer.retry_after)
    if status == 401:
        return AuthenticationError(message, status_code=status, operation=operation)
    if status == 403:
        return PermissionDeniedError(message, status_code=status, operation=operation)
    if status == 429:
        return RateLimitError(message, status_code=status, retry_after=wait, operation=operation)
    if status >= 500:
        return ServerError(message, status_code=status, retry_after=wait, operation=operation)
    return HTTPStatusError(message, status_code=status, retry_after=wait, operation=operation)


def _validation_summary(exc: pydantic.ValidationError) -> str:
    """Where the data did not fit, without the offending values (they may be secret)."""
    problems = exc.errors(include_input=False, include_url=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "data"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _kind_and_detail(exc: BaseException, secrets: Iterable[str]) -> str:
    """``ReadTimeout: what it said``, or the kind alone when it said nothing."""
    detail = redact(str(exc), secrets)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def map_exception(exc: BaseException, operation: str, secrets: Iterable[str]) -> KiliError | None:
    """The `KiliError` that stands for `exc`, raised while running `operation`.

    Args:
        exc: What sending the request or reading the answer raised.
        operation: The GraphQL operation name, e.g. ``"users"``.
        secrets: Values to keep out of the message (API key, passwords).

    Returns:
        The project's error, or ``None`` when `exc` is not a failure of the call
        but a bug, to be raised as it is.
    """
    secrets = tuple(secrets)
    if isinstance(exc, KiliError):
        return exc
    refused = _refused(exc, operation, secrets)
    if refused is not None:
        return refused
    if isinstance(exc, AnswerTooLarge):
        return ResponseTooLargeError(
            f"{operation}: {exc}; reading stopped there (see max_answer_bytes)",
            operation=operation,
        )
    if isinstance(exc, httpx.TimeoutException):
        return KiliTimeoutError(
            f"{operation}: timed out ({_kind_and_detail(exc, secrets)})",
            request_sent=not isinstance(exc, _NOT_SENT),
            operation=operation,
        )
    if isinstance(exc, httpx.DecodingError):
        return MalformedResponseError(
            f"{operation}: the answer's body could not be decoded", operation=operation
        )
    if isinstance(exc, httpx.RequestError):
        return KiliConnectionError(
            f"{operation}: connection failed: {redact(str(exc), secrets) or type(exc).__name__}",
            request_sent=not isinstance(exc, _NOT_SENT),
            operation=operation,
        )
    if isinstance(exc, pydantic.ValidationError):
        return MalformedResponseError(
            f"{operation}: the answer does not have the expected shape: "
            f"{redact(_validation_summary(exc), secrets)}",
            operation=operation,
        )
    return None


def _refused(exc: BaseException, operation: str, secrets: tuple[str, ...]) -> KiliError | None:
    """The `KiliError` for an answer either generated client refused, else None."""
    from kili_typed_generated import exceptions as sync
    from kili_typed_generated_async import exceptions as not_sync

    if isinstance(
        exc, (sync.GraphQLClientGraphQLMultiError, not_sync.GraphQLClientGraphQLMultiError)
    ):
        entries = [error.original or {"message": error.message} for error in exc.errors]
        if too_deep(entries) or too_deep(exc.data):
            return MalformedResponseError(f"{operation}: {TOO_DEEP}", operation=operation)
        return _graphql_error(entries, exc.data, operation, secrets)
    refused = (
        sync.GraphQLClientHttpError,
        sync.GraphQLClientInvalidResponseError,
        not_sync.GraphQLClientHttpError,
        not_sync.GraphQLClientInvalidResponseError,
    )
    if isinstance(exc, refused):
        # The response: an `httpx.Response`, which the generated client posted for.
        return answer_error(answer_of(cast(httpx.Response, exc.response)), operation, secrets)
    return None
