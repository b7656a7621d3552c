"""Request bodies: read within a time and a size, decoded, and checked as JSON.

A body must arrive within ``limits.BODY_READ_TIMEOUT_SECONDS`` and weigh at most
``limits.MAX_BODY_BYTES`` once decoded (gzip or identity). Its JSON must be an object with a
``query`` string, nest at most ``limits.MAX_JSON_DEPTH`` levels and hold only valid Unicode.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import zlib
from typing import Any, cast

from starlette.requests import Request

from kili_typed_server.core import limits
from kili_typed_server.core.errors import BAD_REQUEST, BAD_USER_INPUT, error_body


class BodyTooLarge(Exception):
    """The request body is larger than ``limits.MAX_BODY_BYTES``, once decoded."""


class UnsupportedEncoding(Exception):
    """The request body's ``Content-Encoding`` is not one the server decodes."""


class BrokenEncoding(Exception):
    """The request body is not a valid stream of its ``Content-Encoding``."""


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_BODY_BYTES:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def read_body(request: Request) -> bytes:
    """Reads the whole request body, within ``limits.BODY_READ_TIMEOUT_SECONDS``.

    Raises:
        BodyTooLarge: When it is larger than ``limits.MAX_BODY_BYTES``.
        asyncio.TimeoutError: When it does not arrive in time.
        ClientDisconnect: When the client goes away first.
    """
    if sys.version_info >= (3, 11):
        # A deadline on this task: wait_for would run the read in a task of its own, one
        # more turn of the loop for every request.
        async with asyncio.timeout(limits.BODY_READ_TIMEOUT_SECONDS):
            return await _read_body(request)
    return await asyncio.wait_for(_read_body(request), limits.BODY_READ_TIMEOUT_SECONDS)


def json_problem(payload: object) -> str | None:
    """Finds what in a decoded JSON body the server cannot process, without recursion.

    Args:
        payload: The decoded body.

    Returns:
        A message for the client, or ``None`` when every value is usable: nested at most
        ``limits.MAX_JSON_DEPTH`` levels, and every string encodable as UTF-8 (JSON lets a
        ``\\ud800`` escape through, which no database or log line can take).
    """
    pending: list[tuple[object, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return (
                        "the request body holds a string that is not valid Unicode (a lone "
                        "surrogate escape such as \\ud800); send UTF-8 text"
                    )
            continue
        if isinstance(value, dict):
            members = cast("dict[object, object]", value)
            children: list[object] = [*members.keys(), *members.values()]
        elif isinstance(value, list):
            children = cast("list[object]", value)
        else:
            continue
        if depth > limits.MAX_JSON_DEPTH:
            return f"the request body nests deeper than {limits.MAX_JSON_DEPTH} levels"
        pending.extend((child, depth + 1) for child in children)
    return None


#: The UTF-8-like bytes of a surrogate code point, which strict UTF-8 forbids.
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")


def plainly_usable(body: bytes) -> bool:
    """Whether a JSON body's bytes alone show that :func:`json_problem` would find nothing.

    A lone surrogate comes from a ``\\u`` escape, or from the bytes of one encoded as if it
    were a character (``ED A0``-``ED BF``: ``json.loads`` decodes bytes with
    ``surrogatepass``); and no value nests deeper than there are brackets. A body with
    neither and few brackets (most requests) needs no walk of its decoded values. Bodies in
    UTF-16 or UTF-32, which ``json.loads`` takes too, are always walked.

    Args:
        body: The request body, as ``json.loads`` decoded it.

    Returns:
        ``True`` when :func:`json_problem` of it is surely ``None``.
    """
    return (
        b"\\u" not in body
        and _SURROGATE_BYTES.search(body) is None
        and body.count(b"{") + body.count(b"[") <= limits.MAX_JSON_DEPTH
        and json.detect_encoding(body) == "utf-8"
    )


def decode_body(raw: bytes, content_encoding: str | None) -> bytes:
    """Undoes the request's ``Content-Encoding``, bounded by ``limits.MAX_BODY_BYTES``.

    The 2026 Kili SDK gzips bodies over 1 MB; the bound applies to the decompressed size,
    so a small "zip bomb" cannot make the server inflate it.

    Args:
        raw: The body as received.
        content_encoding: The header's value, if any.

    Returns:
        The decoded body.

    Raises:
        BodyTooLarge: When the decoded body is larger than the limit.
        UnsupportedEncoding: When the encoding is neither gzip nor identity.
        BrokenEncoding: When the gzip stream is broken or truncated.
    """
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return raw
    if encoding not in ("gzip", "x-gzip"):
        raise UnsupportedEncoding(
            f"unsupported Content-Encoding {encoding!r}; send gzip or identity"
        )
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        decoded = decompressor.decompress(raw, limits.MAX_BODY_BYTES + 1)
    except zlib.error as error:
        raise BrokenEncoding("the request body is not valid gzip") from error
    if len(decoded) > limits.MAX_BODY_BYTES or decompressor.unconsumed_tail:
        raise BodyTooLarge
    if not decompressor.eof:
        raise BrokenEncoding("the request body is truncated gzip")
    return decoded


class UnreadableBody(Exception):
    """The request body is not JSON at all (e.g. gzip bytes sent without their
    ``Content-Encoding``): answered as Kili's body parser does, with a 400 that is not a
    GraphQL answer, which tells the 2026 SDK to send its request again uncompressed."""


def payload_problem(body: object) -> str | None:
    if not isinstance(body, dict):
        return "the request body must be a JSON object with a 'query' string"
    payload = cast("dict[str, Any]", body)
    if not isinstance(payload.get("query"), str) or not payload["query"].strip():
        return "the request body must have a non-empty 'query' string"
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return "'variables' must be a JSON object or null"
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return "'operationName' must be a string or null"
    if payload.get("extensions") is not None and not isinstance(payload["extensions"], dict):
        return "'extensions' must be a JSON object or null"
    return None


def read_payload(body: bytes) -> dict[str, Any] | tuple[dict[str, Any], int]:
    """Decodes a request body's JSON and checks its shape and its values.

    Args:
        body: The decoded request body.

    Returns:
        The payload (``query``, and maybe ``variables``, ``operationName``), or the JSON
        body and HTTP status of the error that refuses it.

    Raises:
        UnreadableBody: When the body is not JSON.
    """
    try:
        payload = json.loads(body)
    except RecursionError:
        return error_body(
            f"the request body nests deeper than {limits.MAX_JSON_DEPTH} levels",
            BAD_USER_INPUT,
        ), 400
    except (ValueError, UnicodeDecodeError):
        raise UnreadableBody("the request body is not valid JSON") from None
    problem = payload_problem(payload)
    if problem is not None:
        return error_body(problem, BAD_REQUEST), 400
    problem = None if plainly_usable(body) else json_problem(payload)
    if problem is not None:
        return error_body(problem, BAD_USER_INPUT), 400
    return cast("dict[str, Any]", payload)
