"""Errors the local server reports to clients, and their ``extensions.code`` values.

The accounts service and the operator's commands raise :class:`ApiError` subclasses;
``error_formatting.py`` turns them into the wire shape. This module uses only the standard
library, so the operator's commands (``kili-typed keys ...``) work without the server's
dependencies.
"""

from __future__ import annotations

from typing import Any

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
CONFLICT = "CONFLICT"
BAD_REQUEST = "BAD_REQUEST"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

#: The whole body of the 401 answering every refused key, whatever the reason (so nobody
#: can probe keys): plain text, not GraphQL, as Kili's authentication middleware writes it
#: before the body is parsed. 2022 SDKs (2.128) turn exactly this body into their
#: ``AuthenticationFailed``.
UNAUTHORIZED_BODY = "Unauthorized"


class ApiError(Exception):
    """An error meant for the client: its message is shown as is.

    Attributes:
        code: The value of ``extensions.code``.
    """

    code = BAD_USER_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadUserInput(ApiError):
    """The request's arguments are invalid."""

    code = BAD_USER_INPUT


class Forbidden(ApiError):
    """The caller may not do this."""

    code = FORBIDDEN


class NotFound(ApiError):
    """Nothing visible to the caller matches."""

    code = NOT_FOUND


class Conflict(ApiError):
    """The change would break a uniqueness rule (e.g. an email already in use)."""

    code = CONFLICT


class TooManyRequests(ApiError):
    """The caller asked for something too often (e.g. password resets of one user)."""

    code = TOO_MANY_REQUESTS


class PageSizeError(ValueError):
    """A ``PageSize`` value outside 0..100; raised by the scalar's parsers."""


def error_body(message: str, code: str) -> dict[str, Any]:
    """Builds a whole response body for an error raised outside GraphQL execution.

    Args:
        message: Text for the client.
        code: The value of ``extensions.code``.

    Returns:
        ``{"errors": [{"message": ..., "extensions": {"code": ...}}]}``: no ``data`` key,
        as Apollo Server answers an error that stopped a request before execution.
    """
    return {"errors": [{"message": message, "extensions": {"code": code}}]}
