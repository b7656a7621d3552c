"""Which operation of a document a request runs, as Apollo Server 4 (Kili's) resolves it.

After the document validated and before anything runs:

- an ``operationName`` that names no operation of the document, or none given for a
  document of several operations, is refused with 400 and ``OPERATION_RESOLUTION_FAILURE``,
  with graphql-js's message;
- an operation other than a query sent over ``GET`` is refused with 405 and
  ``Allow: POST`` (a ``GET`` must not change anything; it also keeps mutations out of
  reach of a cross-site ``GET`` should CSRF prevention ever be off).
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, OperationDefinitionNode, OperationType, get_operation_ast

from kili_typed_server.core.errors import BAD_REQUEST, error_body

OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
#: The status of a mutation sent over GET, and the header of its answer.
GET_NOT_A_QUERY_STATUS = 405
GET_NOT_A_QUERY_HEADERS = {"Allow": "POST"}


def _unresolved(document: DocumentNode, operation_name: str | None) -> str:
    if operation_name is not None:
        return f'Unknown operation named "{operation_name}".'
    if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return "Must provide operation name if query contains multiple operations."
    return "Must provide an operation."


def operation_refusal(
    document: DocumentNode, operation_name: str | None, *, over_get: bool
) -> tuple[dict[str, Any], int] | None:
    """The answer refusing to run this operation of a valid document, if it must be refused.

    Args:
        document: The parsed, valid document.
        operation_name: The request's ``operationName``, if any.
        over_get: Whether the request came as an HTTP ``GET``.

    Returns:
        The body and HTTP status of the refusal, or ``None`` when the operation may run.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = _unresolved(document, operation_name)
        return error_body(message, OPERATION_RESOLUTION_FAILURE), 400
    if over_get and operation.operation != OperationType.QUERY:
        message = (
            "GET requests only support query operations, not "
            f"{operation.operation.value} operations"
        )
        return error_body(message, BAD_REQUEST), GET_NOT_A_QUERY_STATUS
    return None
