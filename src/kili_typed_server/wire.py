"""How the server writes JSON answers: Node's ``JSON.stringify`` bytes, written by orjson.

Kili's server is Node: its answers are compact (no spaces), with non-ASCII characters
written raw (UTF-8), not escaped. Python's ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`` writes exactly these bytes, and so does orjson for every value an
answer holds, several times faster (a 100-row page is about 30 KB). Where the two differ,
the standard library's bytes are the ones written, so the answer is what it always was:

- values orjson refuses (integers beyond 64 bits, strings with lone surrogates, keys that
  are not strings, other types): written by the standard library, which writes the big
  integers and raises for the rest, as it did before;
- floats from 1e-9 to below 1e-4 (Python writes ``1e-05`` and ``1e-07``, orjson
  ``0.00001`` and ``1e-7``): when orjson's bytes may hold one, the standard library writes
  the answer.

The check for those floats scans the bytes, which costs about as much as writing them: the
HTTP layer skips it (``floats=False``) for the answers of a schema that cannot hold a float
(see ``schema.may_answer_floats``): this server's has no ``Float``, its ``Int`` refuses NaN,
and its other scalars serialize to strings, integers and booleans.

One difference is left: orjson writes a NaN or an infinity as ``null`` (as Node does),
where the standard library, without ``allow_nan``, raises. No answer holds a float.

Both the fast path's answers and the executor's go through :func:`encode_json`, so the
differential test of the two (``tests/server/test_fast_path.py``) compares the bytes the
server sends.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse

#: Floats orjson writes differently from Python (every other finite float is alike): from
#: 1e-5 to below 1e-4, orjson writes ``0.00001`` where Python writes ``1e-05``; below 1e-5
#: down to 1e-9, ``1e-6`` where Python writes ``1e-06``.
_SHORT_EXPONENT_DIGITS = frozenset(b"6789")
_DIGITS = frozenset(b"0123456789")
_NUMBER_BYTES = frozenset(b"0123456789.")
#: What comes before a JSON value in an array or object (a minus sign aside).
_VALUE_OPENERS = frozenset(b":,[")


def _may_differ(encoded: bytes) -> bool:
    """Whether orjson's bytes may hold a float Python writes otherwise (see above).

    True for every such float; also, harmlessly, for some strings (``"0.00001"``,
    ``"a,1e-7"``). Written with ``bytes.find``: a page's ids (UUIDs) hold ``e-`` a few
    dozen times, and a regular expression scans slower.
    """
    if b"0.0000" in encoded:
        return True
    size = len(encoded)
    at = encoded.find(b"e-")
    while at != -1:
        end = at + 3  # past the exponent's first digit
        if (
            end <= size
            and encoded[at + 2] in _SHORT_EXPONENT_DIGITS
            and (end == size or encoded[end] not in _DIGITS)
            and at > 0
            and encoded[at - 1] in _DIGITS
        ):
            start = at - 1
            while start > 0 and encoded[start - 1] in _NUMBER_BYTES:
                start -= 1
            if start > 0 and encoded[start - 1] == ord("-"):
                start -= 1
            if start == 0 or encoded[start - 1] in _VALUE_OPENERS:
                return True
        at = encoded.find(b"e-", at + 2)
    return False


def stdlib_json(body: Any) -> bytes:
    """The bytes the server wrote before orjson: Starlette's ``JSONResponse`` rendering."""
    return json.dumps(
        body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def encode_json(body: Any, *, floats: bool = True) -> bytes:
    """Writes a JSON answer: compact, non-ASCII raw, as ``json.dumps`` would (see above).

    Args:
        body: The answer: dicts with string keys, lists, strings, integers, booleans,
            ``None``.
        floats: Whether `body` may hold floats; ``False`` skips the check for those
            orjson writes otherwise, when no float can be there.

    Returns:
        The UTF-8 bytes.

    Raises:
        UnicodeEncodeError: When a string holds a lone surrogate.
        ValueError: When a float is NaN or infinite and orjson cannot write `body` either.
        TypeError: When `body` holds a value JSON has no form for.
    """
    try:
        encoded = orjson.dumps(body)
    except TypeError:  # orjson.JSONEncodeError: big integers, lone surrogates, odd keys
        return stdlib_json(body)
    if floats and _may_differ(encoded):
        return stdlib_json(body)
    return encoded


class JSONAnswer(JSONResponse):
    """Starlette's ``JSONResponse`` (same headers), rendered by :func:`encode_json`.

    Args:
        content: The answer.
        status_code: Its HTTP status.
        floats: As for :func:`encode_json`.
        media_type: Its ``Content-Type``; JSON in UTF-8, as Apollo Server names it, by
            default.
    """

    media_type = "application/json; charset=utf-8"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        *,
        floats: bool = True,
        media_type: str | None = None,
    ) -> None:
        self._floats = floats  # read by render, which the base class's __init__ calls
        super().__init__(content, status_code, media_type=media_type)

    def render(self, content: Any) -> bytes:
        return encode_json(content, floats=self._floats)
