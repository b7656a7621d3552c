"""One HTTP answer of the GraphQL endpoint, parsed once and checked. Pure: no I/O.

The facades hand the generated client an `Answer` instead of the raw httpx
response: the JSON is parsed here, once, and only a successful GraphQL answer
(HTTP 2xx, a JSON object whose ``data`` is an object, no ``errors``) reaches the
generated models. Anything else raises `UnusableAnswer`, which
`kili_typed._error_mapping` turns into the precise `KiliError`: so a body that is
not JSON, an HTML error page, ``{"data": null}`` or an error without
``extensions`` never surfaces as a bare `KeyError` from generated code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from pydantic_core import from_json


# Not frozen: the generated client's `Response` protocol declares a settable status_code.
@dataclass
class Answer:
    """What the server answered to one request.

    Args:
        status_code: The HTTP status.
        content: The body's bytes.
        content_type: The ``Content-Type`` header, if any.
        retry_after: The ``Retry-After`` header, if any.
        body: The parsed JSON body; meaningful only when `is_json`.
        is_json: Whether the body parsed as JSON.
    """

    status_code: int
    content: bytes
    content_type: str | None = None
    retry_after: str | None = None
    body: Any = None
    is_json: bool = False

    def json(self, **kwargs: Any) -> Any:
        """The parsed body, as the generated client reads it (never parsed twice)."""
        return self.body

    @property
    def text(self) -> str:
        """The body as text, for error messages."""
        return self.content.decode("utf-8", errors="replace")

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code <= 299


class UnusableAnswer(Exception):
    """An answer the generated client must not read. Internal: never leaves the facades.

    Args:
        answer: The answer: an HTTP error, GraphQL errors, or not the expected shape.
    """

    def __init__(self, answer: Answer) -> None:
        super().__init__(f"HTTP {answer.status_code}")
        self.answer = answer


def parse_answer(
    status_code: int,
    content: bytes,
    *,
    content_type: str | None = None,
    retry_after: str | None = None,
) -> Answer:
    """Parse an answer's body as JSON, when it is JSON.

    Args:
        status_code: The HTTP status.
        content: The body's bytes.
        content_type: The ``Content-Type`` header, if any.
        retry_after: The ``Retry-After`` header, if any.

    Returns:
        The answer, its JSON parsed.
    """
    try:
        # pydantic-core's parser (a dependency already) reads a page in about 60% of
        # json.loads' time when it caches only keys: a page's values (ids, emails) are
        # all different, and caching them too made it no faster than json.loads. What
        # it refuses is given to json.loads, so that exactly what json.loads reads is
        # read (a BOM, UTF-16, lone surrogates, deep nesting).
        body, is_json = from_json(content, cache_strings="keys"), True
    except ValueError:
        try:
            body, is_json = json.loads(content), True
        except ValueError:  # includes UnicodeDecodeError
            body, is_json = None, False
    return Answer(status_code, content, content_type, retry_after, body, is_json)


def json_object(value: object) -> dict[str, Any] | None:
    """`value` when it is a JSON object (a dict), else None."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def is_usable(answer: Answer) -> bool:
    """Whether the generated client can read `answer`: 2xx, ``{"data": {...}}``, no errors."""
    body = json_object(answer.body)
    return (
        answer.is_success
        and answer.is_json
        and body is not None
        and json_object(body.get("data")) is not None
        and not body.get("errors")
    )


def read_answer(
    status_code: int,
    content: bytes,
    *,
    content_type: str | None = None,
    retry_after: str | None = None,
) -> Answer:
    """Parse an answer and let it through only when the generated client can read it.

    Args:
        status_code: The HTTP status.
        content: The body's bytes.
        content_type: The ``Content-Type`` header, if any.
        retry_after: The ``Retry-After`` header, if any.

    Returns:
        The answer, when it is a successful GraphQL answer.

    Raises:
        UnusableAnswer: For anything else.
    """
    answer = parse_answer(status_code, content, content_type=content_type, retry_after=retry_after)
    if not is_usable(answer):
        raise UnusableAnswer(answer)
    return answer
