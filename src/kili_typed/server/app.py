"""The HTTP layer: a Starlette app serving the Kili GraphQL endpoint and its version.

Each GraphQL request is authenticated, parsed, validated and executed in a worker thread
(the store is synchronous SQLite). Status codes follow Apollo Server, which Kili runs:
401 for a refused key, 400 for a request that cannot be executed (bad JSON, syntax,
validation, variable values), 200 once execution ran, even if a resolver failed.
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    execute_sync,
    parse,
    specified_rules,
    validate,
)
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kili_typed.server import limits
from kili_typed.server.errors import (
    BAD_REQUEST,
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    UNAUTHENTICATED,
    UNAUTHENTICATED_MESSAGE,
    error_body,
)
from kili_typed.server.formatting import format_error
from kili_typed.server.query_limits import QueryCostRule
from kili_typed.server.resolvers import RequestContext
from kili_typed.server.schema import build_schema
from kili_typed.server.store import Store

GRAPHQL_PATH = "/api/label/v2/graphql"
VERSION_PATH = "/api/label/v2/version"
_KEY_PREFIX = "x-api-key:"
_RULES = (*specified_rules, QueryCostRule)


def server_version() -> str:
    """Returns the version ``GET /version`` answers: the installed kili-typed's."""
    try:
        return metadata.version("kili-typed")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def api_key_from_header(value: str | None) -> str | None:
    """Extracts the key from an ``Authorization: X-API-Key: <key>`` header value.

    Args:
        value: The header's value, if any.

    Returns:
        The key, or ``None`` when the header is missing or of another scheme.
    """
    if value is None or value[: len(_KEY_PREFIX)].lower() != _KEY_PREFIX:
        return None
    return value[len(_KEY_PREFIX) :].strip() or None


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_BODY_BYTES:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _response(body: dict[str, Any], status: int) -> JSONResponse:
    return JSONResponse(body, status_code=status)


class GraphQLService:
    """Executes GraphQL requests against a store.

    Args:
        store: Where the data lives.
        schema: The executable schema; built from ``schema.graphql`` by default.
    """

    def __init__(self, store: Store, schema: GraphQLSchema | None = None) -> None:
        self.store = store
        self.schema = schema or build_schema()

    def handle(self, api_key: str | None, body: bytes) -> tuple[dict[str, Any], int]:
        """Runs one request (blocking).

        Args:
            api_key: The key from the ``Authorization`` header, if any.
            body: The raw request body.

        Returns:
            The JSON body and the HTTP status of the response.
        """
        caller = None if api_key is None else self.store.authenticate(api_key)
        if caller is None:
            return error_body(UNAUTHENTICATED_MESSAGE, UNAUTHENTICATED), 401
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return error_body("the request body is not valid JSON", BAD_REQUEST), 400
        problem = _payload_problem(payload)
        if problem is not None:
            return error_body(problem, BAD_REQUEST), 400
        try:
            document = parse(payload["query"])
        except GraphQLSyntaxError as error:
            return self._errors([error], GRAPHQL_PARSE_FAILED), 400
        validation_errors = validate(self.schema, document, _RULES)
        if validation_errors:
            return self._errors(validation_errors, GRAPHQL_VALIDATION_FAILED), 400
        result = execute_sync(
            self.schema,
            document,
            context_value=RequestContext(store=self.store, caller=caller),
            variable_values=payload.get("variables"),
            operation_name=payload.get("operationName"),
        )
        if result.errors:
            # Without a path, an error came before execution: variables or operation name.
            before_execution = all(error.path is None for error in result.errors)
            return (
                self._errors(result.errors, BAD_USER_INPUT),
                400 if before_execution else 200,
            )
        return {"data": result.data}, 200

    @staticmethod
    def _errors(errors: list[GraphQLError], phase_code: str) -> dict[str, Any]:
        return {"errors": [format_error(error, phase_code) for error in errors], "data": None}


def _payload_problem(payload: object) -> str | None:
    if not isinstance(payload, dict):
        return "the request body must be a JSON object with a 'query' string"
    if not isinstance(payload.get("query"), str) or not payload["query"].strip():
        return "the request body must have a non-empty 'query' string"
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return "'variables' must be a JSON object or null"
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return "'operationName' must be a string or null"
    return None


def create_app(store: Store, schema: GraphQLSchema | None = None) -> Starlette:
    """Builds the ASGI application.

    Args:
        store: Where the data lives.
        schema: The executable schema; built from ``schema.graphql`` by default.

    Returns:
        A Starlette app serving ``POST /api/label/v2/graphql`` and
        ``GET /api/label/v2/version``.
    """
    service = GraphQLService(store, schema)
    version = server_version()

    async def graphql_endpoint(request: Request) -> Response:
        if request.method != "POST":
            return _response(error_body(f"use POST for {GRAPHQL_PATH}", METHOD_NOT_ALLOWED), 405)
        try:
            body = await _read_body(request)
        except _TooLarge:
            return _response(
                error_body(
                    f"the request body is larger than {limits.MAX_BODY_BYTES} bytes",
                    PAYLOAD_TOO_LARGE,
                ),
                413,
            )
        api_key = api_key_from_header(request.headers.get("authorization"))
        result, status = await run_in_threadpool(service.handle, api_key, body)
        return _response(result, status)

    async def version_endpoint(_request: Request) -> Response:
        return JSONResponse({"version": version})

    return Starlette(
        debug=False,
        routes=[
            Route(GRAPHQL_PATH, graphql_endpoint, methods=["GET", "POST"]),
            Route(VERSION_PATH, version_endpoint, methods=["GET"]),
        ],
    )
