"""What each HTTP method gets on the GraphQL path, as Kili (Express, Apollo Server 4) answers.

- ``OPTIONS``, a browser's CORS preflight, is answered 204 before anything else, key or
  not (browsers send it without one). It grants no foreign origin: the answer names the
  methods and headers the API reads but carries no ``Access-Control-Allow-Origin``, as a
  CORS policy limited to Kili's own web origins answers any other.
- ``GET`` carries its request in the query string: ``query`` and ``operationName`` as
  text, ``variables`` and ``extensions`` as JSON-encoded objects, each at most once. Like
  any request a browser may send cross-site, it needs a preflight header
  (``apollo-require-preflight``, see ``request_rules.py``), and it runs queries only
  (``operations.py``).
- ``POST`` carries it as a JSON body.
- Any other method is refused with 405 and ``Allow: GET, POST``.

The messages are Apollo Server's own, and so are the headers of its answers
(:func:`answer_headers`: ``Allow``, and ``Cache-Control`` on a persisted query not found).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response

from kili_typed_server.core.errors import BAD_REQUEST, error_body
from kili_typed_server.graphql import persisted_queries
from kili_typed_server.graphql.operations import GET_NOT_A_QUERY_HEADERS

#: The query-string parameters a GET request is read from; the others are ignored.
_GET_TEXT_PARAMETERS = ("query", "operationName")
_GET_JSON_PARAMETERS = ("variables", "extensions")
#: The headers a preflight may ask to send: those the API reads.
_ALLOWED_HEADERS = (
    "authorization, content-type, content-encoding, accept, apollo-require-preflight, "
    "x-apollo-operation-name, apollographql-client-name, apollographql-client-version"
)
#: The methods the GraphQL path is routed for (HEAD comes with GET): the standard ones.
ROUTED_METHODS = ["GET", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
OTHER_METHOD_MESSAGE = "Apollo Server supports only GET/POST requests."
OTHER_METHOD_HEADERS = {"Allow": "GET, POST"}


def preflight_answer() -> Response:
    """The answer to an ``OPTIONS`` request: 204, no body (see the module's doc)."""
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": _ALLOWED_HEADERS,
            "Vary": "Origin",
        },
    )


def other_method_refusal() -> tuple[dict[str, Any], int]:
    """The body and status refusing a method other than GET and POST (405)."""
    return error_body(OTHER_METHOD_MESSAGE, BAD_REQUEST), 405


def _json_object(name: str, text: str) -> dict[str, Any] | str:
    try:
        value: object = json.loads(text)
    except (ValueError, RecursionError):
        return f"The {name} search parameter contains invalid JSON."
    if not isinstance(value, dict):
        return f"The {name} search parameter should contain a JSON-encoded object."
    return value  # pyright: ignore[reportUnknownVariableType]  (json's own)


def get_payload(query_string: str) -> dict[str, Any] | str:
    """Reads a GET request's GraphQL request from its query string.

    Args:
        query_string: The URL's query string, still percent-encoded.

    Returns:
        The request as a POST body would hold it (only the parameters given), or Apollo
        Server's message refusing it (answered with 400 ``BAD_REQUEST``).
    """
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name in _GET_TEXT_PARAMETERS or name in _GET_JSON_PARAMETERS:
            values.setdefault(name, []).append(value)
    payload: dict[str, Any] = {}
    for name, given in values.items():
        if len(given) > 1:
            return f"The '{name}' search parameter may only be specified once."
        if name in _GET_JSON_PARAMETERS:
            parsed = _json_object(name, given[0])
            if isinstance(parsed, str):
                return parsed
            payload[name] = parsed
        else:
            payload[name] = given[0]
    return payload


def answer_headers(body: dict[str, Any], status: int) -> dict[str, str] | None:
    """The headers a GraphQL answer (its body and status) carries, if any."""
    if status == 405:  # a mutation over GET
        return GET_NOT_A_QUERY_HEADERS
    errors: list[dict[str, Any]] = body.get("errors") or [{}]
    extensions: dict[str, Any] = errors[0].get("extensions") or {}
    if extensions.get("code") == persisted_queries.PERSISTED_QUERY_NOT_FOUND:
        return persisted_queries.NOT_FOUND_HEADERS
    return None
