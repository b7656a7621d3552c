"""An answer the generated client refused, as the error mapping reads it. Pure: no I/O.

The generated client checks each answer once (``wire.read_data`` in the generated
package, from ``tools/codegen_base/``): only a successful GraphQL answer reaches the
models. What it refuses raises one of its exceptions holding the ``httpx.Response``;
`answer_of` parses that body for `kili_typed._error_mapping`, which turns it into the
precise `KiliError`: so a body that is not JSON (or is nested too deeply to read), an
HTML error page, ``{"data": null}`` or an error without ``extensions`` never surfaces
as a bare `KeyError` or `RecursionError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import httpx

#: The deepest JSON a refused answer may hold for the error mapping to read it. A GraphQL
#: error's ``extensions`` or ``path`` is a few levels deep; a hostile server's 900 levels
#: would make the (recursive) redaction raise `RecursionError`.
MAX_DEPTH = 64


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` (parsed JSON) nests lists and objects more than `limit` deep.

    Iterative, so that it cannot itself run out of stack.
    """
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Iterable[object] = cast("dict[str, object]", item).values()
        elif isinstance(item, list):
            children = cast("list[object]", item)
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


@dataclass(frozen=True)
class Answer:
    """What the server answered to one request.

    Args:
        status_code: The HTTP status.
        content: The body's bytes.
        content_type: The ``Content-Type`` header, if any.
        retry_after: The ``Retry-After`` header, if any.
        body: The parsed JSON body; meaningful only when `is_json`.
        is_json: Whether the body parsed as JSON (and is not too deep to read).
        too_deep: Whether the body is JSON nested too deeply to be read.
    """

    status_code: int
    content: bytes
    content_type: str | None = None
    retry_after: str | None = None
    body: Any = None
    is_json: bool = False
    too_deep: bool = False

    @property
    def text(self) -> str:
        """The body as text, for error messages."""
        return self.content.decode("utf-8", errors="replace")

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code <= 299


def parse_answer(
    status_code: int,
    content: bytes,
    *,
    content_type: str | None = None,
    retry_after: str | None = None,
) -> Answer:
    """Parse an answer's body as JSON, when it is JSON, as the generated client does.

    Args:
        status_code: The HTTP status.
        content: The body's bytes.
        content_type: The ``Content-Type`` header, if any.
        retry_after: The ``Retry-After`` header, if any.

    Returns:
        The answer, its JSON parsed.
    """
    from kili_typed_generated.wire import TooDeep, UnreadableJSON, parse_json

    try:
        body, is_json = parse_json(content), True
    except UnreadableJSON as exc:
        body, is_json, deep = None, False, isinstance(exc, TooDeep)
    else:
        deep = too_deep(body)
        if deep:
            body, is_json = None, False
    return Answer(status_code, content, content_type, retry_after, body, is_json, deep)


def answer_of(response: httpx.Response) -> Answer:
    """A refused answer, parsed (the generated client's exceptions hold the response)."""
    return parse_answer(
        response.status_code,
        response.content,
        content_type=response.headers.get("content-type"),
        retry_after=response.headers.get("retry-after"),
    )


def object_or_none(value: object) -> dict[str, Any] | None:
    """`value` when it is a JSON object (a dict), else None."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None
