"""Turning what went wrong during a call into the project's own errors. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pydantic
from kili_typed_generated.exceptions import GraphQLClientGraphQLMultiError

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
    ServerError,
)
from .redaction import redact

_MAX_BODY_IN_MESSAGE = 200


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: seconds or an HTTP date."""
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
    return max(0.0, seconds)


def _server_message(response: Any) -> str:
    """The most useful text of an error answer: GraphQL messages, else the body."""
    text = getattr(response, "text", "")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        messages = [str(e.get("message", "")) for e in body["errors"] if isinstance(e, dict)]
        if any(messages):
            return "; ".join(m for m in messages if m)
    text = " ".join(text.split())
    return text[:_MAX_BODY_IN_MESSAGE] + ("..." if len(text) > _MAX_BODY_IN_MESSAGE else "")


def _error_list(response: Any) -> list[Any] | None:
    """The ``errors`` list of a GraphQL-shaped error body, if it is one."""
    try:
        body = json.loads(getattr(response, "text", ""))
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and all(isinstance(e, dict) for e in errors):
        return errors
    return None


def _detail(error: Any) -> GraphQLErrorDetail:
    extensions = error.extensions if isinstance(error.extensions, dict) else {}
    code = extensions.get("code")
    return GraphQLErrorDetail(
        message=str(error.message),
        code=str(code) if code is not None else None,
        path=list(error.path) if error.path else None,
        extensions=dict(extensions),
    )


def _generated_kind(exc: BaseException) -> str | None:
    """The class name of an exception raised by either generated package.

    The sync and async packages each define their own (identical) exception
    classes; matching on the name serves both without importing the async one.
    """
    cls = type(exc)
    return cls.__name__ if cls.__module__.startswith("kili_typed_generated") else None


def map_exception(exc: BaseException, operation: str, secrets: Iterable[str]) -> KiliError:
    """The `KiliError` that stands for `exc`, raised while running `operation`.

    Args:
        exc: What the generated client, httpx or pydantic raised.
        operation: The GraphQL operation name, e.g. ``"users"``.
        secrets: Values to keep out of the message (API key, passwords).

    Returns:
        The project's error; an unexpected `exc` becomes a plain `KiliError`.
    """
    secrets = tuple(secrets)

    def clean(text: str) -> str:
        return redact(text, secrets)

    if isinstance(exc, KiliError):
        return exc
    generated: Any = exc
    kind = _generated_kind(exc)
    if isinstance(exc, httpx.TimeoutException):
        return KiliTimeoutError(
            f"{operation}: timed out ({type(exc).__name__})", operation=operation
        )
    if isinstance(exc, httpx.TransportError):
        return KiliConnectionError(
            f"{operation}: connection failed: {clean(str(exc)) or type(exc).__name__}",
            operation=operation,
        )
    if kind == "GraphQLClientHttpError":
        response = generated.response
        status: int = generated.status_code
        message = f"{operation}: HTTP {status}: {clean(_server_message(response))}"
        if status == 401:
            return AuthenticationError(message, status_code=status, operation=operation)
        if status == 403:
            return PermissionDeniedError(message, status_code=status, operation=operation)
        if status == 429:
            headers = getattr(response, "headers", {})
            return RateLimitError(
                message,
                status_code=status,
                retry_after=parse_retry_after(headers.get("retry-after")),
                operation=operation,
            )
        if status >= 500:
            return ServerError(message, status_code=status, operation=operation)
        errors_in_body = _error_list(response) if status == 400 else None
        if errors_in_body is not None:
            # GraphQL servers answer 400 to documents or variables they reject.
            return map_exception(
                GraphQLClientGraphQLMultiError.from_errors_dicts(errors_in_body),
                operation,
                secrets,
            )
        return HTTPStatusError(message, status_code=status, operation=operation)
    if kind == "GraphQLClientGraphQLMultiError":
        details = [_detail(e) for e in generated.errors]
        details = [
            GraphQLErrorDetail(clean(d.message), d.code, d.path, d.extensions) for d in details
        ]
        summary = "; ".join(f"{d.message} ({d.code})" if d.code else d.message for d in details)
        return GraphQLError(
            f"{operation}: {summary}", errors=details, operation=operation, data=generated.data
        )
    if kind == "GraphQLClientInvalidResponseError":
        body = clean(_server_message(generated.response))
        return MalformedResponseError(
            f"{operation}: the answer is not GraphQL JSON: {body!r}", operation=operation
        )
    if isinstance(exc, (pydantic.ValidationError, KeyError, TypeError, ValueError)):
        return MalformedResponseError(
            f"{operation}: the answer does not have the expected shape ({type(exc).__name__})",
            operation=operation,
        )
    return KiliError(f"{operation}: {type(exc).__name__}: {clean(str(exc))}", operation=operation)
