"""How the server writes JSON answers: Node's ``JSON.stringify`` bytes, written by orjson.

Kili's server is Node: its answers are compact (no spaces), with non-ASCII characters
written raw (UTF-8), not escaped. Python's ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`` writes exactly these bytes, and so does orjson for every value an
answer of this server holds, several times faster (a 100-row page is about 30 KB):
strings, integers, booleans and null. (orjson spells some small floats otherwise, e.g.
``1e-7`` for Python's ``1e-07``, but no answer holds a float: the schema has no
``Float``, and its other scalars serialize to strings, integers and booleans.)

Values orjson refuses (integers beyond 64 bits, strings with lone surrogates, keys that
are not strings, other types) are written by the standard library, which writes the big
integers and raises for the rest, as it did before orjson.

Both the fast path's answers and the executor's go through :func:`encode_json`, so the
differential test of the two (``tests/server/test_fast_path.py``) compares the bytes the
server sends.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse


def stdlib_json(body: Any) -> bytes:
    """The bytes the server wrote before orjson: Starlette's ``JSONResponse`` rendering."""
    return json.dumps(
        body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def encode_json(body: Any) -> bytes:
    """Writes a JSON answer: compact, non-ASCII raw, as ``json.dumps`` would (see above).

    Args:
        body: The answer: dicts with string keys, lists, strings, integers, booleans,
            ``None``.

    Returns:
        The UTF-8 bytes.

    Raises:
        UnicodeEncodeError: When a string holds a lone surrogate.
        ValueError: When a float is NaN or infinite and orjson cannot write `body` either.
        TypeError: When `body` holds a value JSON has no form for.
    """
    try:
        return orjson.dumps(body)
    except TypeError:  # orjson.JSONEncodeError: big integers, lone surrogates, odd keys
        return stdlib_json(body)


class JSONAnswer(JSONResponse):
    """Starlette's ``JSONResponse`` (same headers), rendered by :func:`encode_json`;
    its ``Content-Type`` is JSON in UTF-8, as Apollo Server names it, unless a
    ``media_type`` is given."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return encode_json(content)
