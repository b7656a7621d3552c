"""Automatic persisted queries (APQ), as Apollo Server 4 (Kili's) serves them by default.

A client may send, instead of a document, the SHA-256 of one in
``extensions.persistedQuery.sha256Hash`` (with ``version: 1``):

- a hash the server does not know is answered 200 with one ``PERSISTED_QUERY_NOT_FOUND``
  error, uncached (the client then sends the document with its hash, and the next request
  of the hash alone runs);
- a document sent with a hash that is not its own is refused with 400 before it is parsed
  (``provided sha does not match query``), and so is a version other than 1;
- a document sent with its own hash runs, and is kept for its hash once it has parsed,
  validated and passed the cost check.

What is kept is bounded: ``limits.MAX_PERSISTED_QUERY_BYTES`` of document text in all, the
least recently used forgotten first. The errors Apollo raises without a code of its own are
answered, as Apollo does, with ``INTERNAL_SERVER_ERROR`` and their HTTP status.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, cast

from kili_typed_server.core import limits
from kili_typed_server.core.errors import INTERNAL_SERVER_ERROR, error_body

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
#: Apollo Server's headers on a ``PERSISTED_QUERY_NOT_FOUND`` answer: the client is about
#: to register the document, so no cache may keep the refusal.
NOT_FOUND_HEADERS = {"Cache-Control": "private, no-cache, must-revalidate"}


def requested(payload: Mapping[str, Any]) -> bool:
    """Whether a request names a persisted query (``extensions.persistedQuery`` is set)."""
    extensions = payload.get("extensions")
    if not isinstance(extensions, dict):
        return False
    return bool(cast("dict[str, Any]", extensions).get("persistedQuery"))


def query_hash(query: str) -> str:
    """The hash a client sends for a document: SHA-256 of its UTF-8 text, in lower-case hex."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def _extension(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    extension: object = cast("dict[str, Any]", payload["extensions"])["persistedQuery"]
    return cast("dict[str, Any]", extension) if isinstance(extension, dict) else {}


class PersistedQueries:
    """The documents registered by their hash, least recently used forgotten first.

    Args:
        max_bytes: The most document text kept, in UTF-8 bytes.
    """

    def __init__(self, max_bytes: int = limits.MAX_PERSISTED_QUERY_BYTES) -> None:
        self.max_bytes = max_bytes
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # requests run in worker threads

    def resolve(self, payload: Mapping[str, Any]) -> str | tuple[dict[str, Any], int]:
        """The document a request asks to run, or the answer refusing it.

        Args:
            payload: The request, checked by the HTTP layer: ``query`` is a string when
                present, ``extensions`` an object when present.

        Returns:
            The document's text, from the request or from the registered ones; else the
            body and HTTP status of the answer.
        """
        query: str | None = payload.get("query")
        if not requested(payload):
            return cast("str", query)
        extension = _extension(payload)
        if extension.get("version") != 1:
            return error_body("Unsupported persisted query version", INTERNAL_SERVER_ERROR), 400
        sha: object = extension.get("sha256Hash")
        if query is None:
            found = self._get(sha) if isinstance(sha, str) else None
            if found is None:
                return error_body("PersistedQueryNotFound", PERSISTED_QUERY_NOT_FOUND), 200
            return found
        if sha != query_hash(query):
            return error_body("provided sha does not match query", INTERNAL_SERVER_ERROR), 400
        return query

    def remember(self, payload: Mapping[str, Any], query: str) -> None:
        """Registers the document of a request that sent it with its hash, once it may run.

        Args:
            payload: The request.
            query: Its document, as :meth:`resolve` returned it (its hash was checked).
        """
        if not requested(payload) or payload.get("query") is None:
            return
        size = len(query.encode("utf-8"))
        if size > self.max_bytes:
            return
        sha = query_hash(query)
        with self._lock:
            if sha in self._queries:
                self._queries.move_to_end(sha)
                return
            self._queries[sha] = query
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._queries.popitem(last=False)
                self._bytes -= len(dropped.encode("utf-8"))

    def _get(self, sha: str) -> str | None:
        with self._lock:
            found = self._queries.get(sha)
            if found is not None:
                self._queries.move_to_end(sha)
            return found
