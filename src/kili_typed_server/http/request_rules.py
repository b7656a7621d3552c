"""What Apollo Server 4 (which Kili runs) requires of a request's headers before running it.

Checked from the headers alone, so a request refused here costs no body read:

- CSRF prevention: a POST whose ``Content-Type`` is missing or one a browser may send
  without a preflight (``text/plain``, ``application/x-www-form-urlencoded``,
  ``multipart/form-data``) is refused with 400, unless it carries a non-empty
  ``x-apollo-operation-name`` or ``apollo-require-preflight`` header;
- any other ``Content-Type`` but ``application/json`` is refused with 400: the body of
  such a request is not read as JSON;
- the answer's media type follows ``Accept``: ``application/graphql-response+json`` when
  the client prefers it, ``application/json`` otherwise (no ``Accept``, ``*/*``), and 406
  when it accepts neither.

The messages are Apollo Server's own.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The media types an answer may have, with the charset Apollo Server names.
JSON = "application/json; charset=utf-8"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8"
_OFFERS = (
    ("application", "json", JSON),
    ("application", "graphql-response+json", GRAPHQL_RESPONSE_JSON),
)
#: Content types a browser sends cross-site without a preflight request.
_SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
_PREFLIGHT_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")

CSRF_MESSAGE = (
    "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
    "Please either specify a 'content-type' header (with a type that is not one of "
    "application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a "
    "non-empty value for one of the following headers: x-apollo-operation-name, "
    "apollo-require-preflight\n"
)
CONTENT_TYPE_MESSAGE = "POST body missing, invalid Content-Type, or JSON object has no keys."
NOT_ACCEPTABLE_MESSAGE = (
    "An 'accept' header was provided for this request which does not accept "
    "application/json or application/graphql-response+json"
)


def _media_type(value: str | None) -> str | None:
    if value is None:
        return None
    media = value.split(";", 1)[0].strip().lower()
    return media or None


def csrf_problem(headers: Mapping[str, str]) -> str | None:
    """Apollo Server's CSRF message when a POST must be refused, else ``None``."""
    if _media_type(headers.get("content-type")) not in _SIMPLE_CONTENT_TYPES | {None}:
        return None
    if any(headers.get(name, "").strip() for name in _PREFLIGHT_HEADERS):
        return None
    return CSRF_MESSAGE


def content_type_problem(headers: Mapping[str, str]) -> str | None:
    """Apollo Server's message when the body is not JSON by its ``Content-Type``."""
    if _media_type(headers.get("content-type")) == "application/json":
        return None
    return CONTENT_TYPE_MESSAGE


def answer_media_type(accept: str | None) -> str | None:
    """The media type to answer with for this ``Accept``; ``None`` when it takes neither.

    The offer with the highest quality wins; on a tie, ``application/json`` unless
    ``application/graphql-response+json`` is named first (as the ``negotiator`` package
    Apollo Server uses decides).
    """
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, int, str] | None = None  # (quality, specificity, -position)
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        kind, _, subtype = media.lower().partition("/")
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        for offer_kind, offer_subtype, answer in _OFFERS:
            if kind == "*" and subtype == "*":
                specificity = 0
            elif kind == offer_kind and subtype == "*":
                specificity = 1
            elif kind == offer_kind and subtype == offer_subtype:
                specificity = 2
            else:
                continue
            candidate = (quality, specificity, -position, answer)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    return None if best is None else best[3]
