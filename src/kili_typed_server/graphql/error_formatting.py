"""How every GraphQL error is shaped on the wire.

:func:`format_error` turns any :class:`graphql.GraphQLError` into the shape official Kili
clients expect: a ``message``, optional ``locations`` and ``path``, and always
``extensions.code``. Unexpected exceptions become a generic ``INTERNAL_SERVER_ERROR``
without their text, so nothing internal leaks; the operator finds them in the log.
graphql-core's own messages get graphql-js's quoting (``Cannot query field "x" on type
"Query".``), which Kili answers and official clients' retry patterns match.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from kili_typed_server.core.errors import (
    BAD_USER_INPUT,
    INTERNAL_SERVER_ERROR,
    ApiError,
    PageSizeError,
)

logger = logging.getLogger("kili_typed_server")

# A single-quoted span as graphql-core writes names, types and values: the quote opens
# after no word character (so "user's" stays) and closes before none.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'([^'\n]*)'(?![\w'])")


def graphql_js_quotes(message: str) -> str:
    """Rewrites graphql-core's single quotes as graphql-js's double quotes.

    Args:
        message: A message of graphql-core's, e.g. ``Cannot query field 'x' on type 'Query'.``

    Returns:
        The message as graphql-js words it: ``Cannot query field "x" on type "Query".``
    """
    return _SINGLE_QUOTED.sub(r'"\1"', message)


def _root_cause(error: GraphQLError) -> BaseException | None:
    # graphql-core wraps a scalar's exception in one or two GraphQLErrors.
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError):
        cause = cause.original_error
    return cause


def format_error(error: GraphQLError, phase_code: str) -> dict[str, Any]:
    """Shapes one GraphQL error for the wire.

    Args:
        error: The error from parsing, validation, variable coercion or execution.
        phase_code: The code to use when the error carries none of its own, e.g.
            ``GRAPHQL_VALIDATION_FAILED`` for a validation error.

    Returns:
        A dict with ``message``, ``locations`` and ``path`` when known, and ``extensions``
        holding at least ``code``.
    """
    original = _root_cause(error)
    message = error.message
    if isinstance(original, ApiError):
        code = original.code
        message = original.message
    elif isinstance(original, PageSizeError):
        code = BAD_USER_INPUT
        message = graphql_js_quotes(message)
    elif original is not None and error.path is not None:
        # A bug, not the client's fault: log it for the operator, tell the client nothing.
        logger.error("unexpected error in %s", ".".join(map(str, error.path)), exc_info=original)
        code = INTERNAL_SERVER_ERROR
        message = "Internal server error"
    else:
        code = phase_code
        message = graphql_js_quotes(message)
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = list(error.path)
    extensions = dict(error.extensions or {})
    extensions["code"] = code
    formatted["extensions"] = extensions
    return formatted
