"""What the generated clients post (`request_body`) and how they read each answer:
parsed once, checked once (`read_data`).

Copied into each generated package by ariadne-codegen (``files_to_include``) from
``tools/codegen_base/``, beside the base clients that call it: edit it there.

The body is parsed by pydantic-core's parser (a page in about 60% of ``json.loads``'
time when it caches only keys) and, where it refuses, by ``json.loads``, so that
exactly what ``json.loads`` reads is read (a BOM, UTF-16, lone surrogates). A body
nested too deeply for either is an unreadable answer, never a ``RecursionError``.
"""

import json
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx
from pydantic import BaseModel as PydanticBaseModel
from pydantic_core import from_json, to_jsonable_python

from .base_model import UNSET
from .exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)


def _jsonable(value: Any) -> Any:
    """A variable's value as JSON: input models hold only the fields that were set."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True, mode="json")
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return to_jsonable_python(value)


def request_body(
    query: str, operation_name: str | None, variables: dict[str, Any] | None
) -> dict[str, Any]:
    """The JSON posted for one operation."""
    jsonable = {
        key: _jsonable(value) for key, value in (variables or {}).items() if value is not UNSET
    }
    return {"query": query, "operationName": operation_name, "variables": jsonable}


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


class Posting(Generic[HttpClientT]):
    """What every request of a generated client carries, sync or async: the HTTP client
    it goes through, and the endpoint, headers, timeout and request extensions the
    generated client was made with.

    Args:
        url: The GraphQL endpoint.
        headers: Headers sent with every request, over any given to a call.
        http_client: The httpx client to post through; one of its own when None.
        timeout: The timeout of every request; the HTTP client's own when None.
        extensions: httpx request extensions sent with every request.
    """

    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: HttpClientT | None = None,
        *,
        timeout: httpx.Timeout | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        self.url: str = url
        self.headers: dict[str, str] | None = headers
        self.http_client: HttpClientT = http_client or self.new_http_client(headers)
        self.timeout: httpx.Timeout | None = timeout
        self.extensions: dict[str, Any] | None = extensions

    def new_http_client(self, headers: dict[str, str] | None) -> HttpClientT:
        """The HTTP client made when none is given."""
        raise NotImplementedError

    def post_arguments(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        kwargs: dict[str, Any],
    ) -> dict[str, Any]:
        """The arguments of the HTTP client's ``post`` for one operation."""
        headers = {**(kwargs.pop("headers", None) or {}), **(self.headers or {})}
        if self.timeout is not None:
            kwargs.setdefault("timeout", self.timeout)
        if self.extensions:
            kwargs.setdefault("extensions", self.extensions)
        body = request_body(query, operation_name, variables)
        return {"url": self.url, "json": body, "headers": headers, **kwargs}

    def get_data(self, response: "Response") -> dict[str, Any]:
        """The ``data`` of a successful GraphQL answer (see `read_data`)."""
        return read_data(response)


class Response(Protocol):
    """What is read of an answer: an ``httpx.Response``, already read."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...


class UnreadableJSON(ValueError):
    """A body that is not JSON, or is nested too deeply to be read."""


class TooDeep(UnreadableJSON):
    """A body nested too deeply to be read."""


def parse_json(content: bytes) -> Any:
    """The JSON value of `content`.

    Raises:
        UnreadableJSON: `content` is not JSON, or is nested too deeply.
    """
    try:
        return from_json(content, cache_strings="keys")
    except ValueError:
        pass
    try:
        return json.loads(content)
    except RecursionError:
        raise TooDeep("the answer is nested too deeply to be read") from None
    except ValueError as exc:  # includes UnicodeDecodeError
        raise UnreadableJSON("the answer is not JSON") from exc


def _is_error_list(errors: object) -> bool:
    """Whether `errors` is a list of error objects, each with a message."""
    return isinstance(errors, list) and all(
        isinstance(entry, dict) and isinstance(cast(dict[str, Any], entry).get("message"), str)
        for entry in cast(list[object], errors)
    )


def read_data(response: Response) -> dict[str, Any]:
    """The ``data`` of a successful GraphQL answer.

    Raises:
        GraphQLClientHttpError: The status is not 2xx.
        GraphQLClientGraphQLMultiError: The answer lists GraphQL errors.
        GraphQLClientInvalidResponseError: Anything else: not JSON, too deep, not an
            object, errors of another shape, or a ``data`` that is not an object.
    """
    if not 200 <= response.status_code <= 299:
        raise GraphQLClientHttpError(status_code=response.status_code, response=response)
    try:
        body: object = parse_json(response.content)
    except UnreadableJSON as exc:
        raise GraphQLClientInvalidResponseError(response=response) from exc
    if not isinstance(body, dict):
        raise GraphQLClientInvalidResponseError(response=response)
    answer = cast(dict[str, Any], body)
    data, errors = answer.get("data"), answer.get("errors")
    if errors:
        if not _is_error_list(errors):
            raise GraphQLClientInvalidResponseError(response=response)
        raise GraphQLClientGraphQLMultiError.from_errors_dicts(
            errors_dicts=errors, data=data if isinstance(data, dict) else None
        )
    if not isinstance(data, dict):
        raise GraphQLClientInvalidResponseError(response=response)
    return cast(dict[str, Any], data)
