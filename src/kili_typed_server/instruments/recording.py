"""The requests a local server received, as a test asserts on them: never a secret.

Each request is kept with its GraphQL operation's root field, its variables with every
secret replaced (passwords, API keys, tokens, found by name at any depth), the HTTP status
answered and the fault applied; the most recent ``limits.MAX_LOGGED_REQUESTS`` requests
(and ``limits.MAX_LOGGED_BYTES`` of their bodies) are kept. Standard library only;
thread-safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

from kili_typed_server.core import limits
from kili_typed_server.instruments.faults import Fault

#: What a secret's value is replaced with.
REDACTED = "<redacted>"
#: Variable names whose values are secrets, wherever they appear: ``password``,
#: ``oldPassword``, ``newPassword1``, ``key`` (``apiKeys(where: {key})``), ``apiKey``, tokens.
SECRET_NAME = re.compile(r"password|secret|token|apikey|api_key|^key$", re.IGNORECASE)


def redact(value: object) -> Any:
    """A copy of a JSON value with the values of secret-named members replaced.

    Args:
        value: Variables as received.

    Returns:
        The same structure, each secret replaced by :data:`REDACTED`.
    """
    if isinstance(value, dict):
        members = cast("dict[str, object]", value)
        # Only strings are secrets: ``withApiKeys: true`` (a field switch) stays readable.
        return {
            key: REDACTED
            if isinstance(item, str) and SECRET_NAME.search(str(key))
            else redact(item)
            for key, item in members.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in cast("list[object]", value)]
    return value


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received.

    Attributes:
        index: Its place in the log, from 1.
        method: The HTTP method.
        path: The URL path.
        operation: The GraphQL operation's root field (``"countUsers"``), or ``None`` for
            a request that is not a readable GraphQL request (``GET /version``, bad JSON).
        operation_name: The operation's name in the document, if any.
        variables: Its variables, secrets redacted.
        status: The HTTP status answered; ``None`` when no answer was sent (a dropped
            connection, a hang, a client that gave up).
        fault: The fault applied, if any.
    """

    index: int
    method: str
    path: str
    operation: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    status: int | None
    fault: Fault | None

    def __repr__(self) -> str:
        fault = "" if self.fault is None else f", fault={self.fault.describe()!r}"
        return (
            f"RecordedRequest(#{self.index} {self.method} {self.path} "
            f"operation={self.operation!r}, status={self.status}{fault})"
        )

    def to_json(self) -> dict[str, Any]:
        """The request as JSON (the control API's ``GET /requests``)."""
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "operation_name": self.operation_name,
            "variables": self.variables,
            "status": self.status,
            "fault": None if self.fault is None else self.fault.to_json(),
        }


class RequestList(Sequence[RecordedRequest]):
    """An immutable list of recorded requests, with shortcuts for assertions."""

    def __init__(self, items: Sequence[RecordedRequest]) -> None:
        self._items = tuple(items)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...
    @overload
    def __getitem__(self, index: slice) -> RequestList: ...
    def __getitem__(self, index: int | slice) -> RecordedRequest | RequestList:
        if isinstance(index, slice):
            return RequestList(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestList):
            return self._items == other._items
        if isinstance(other, (list, tuple)):
            return list(self._items) == list(cast("Sequence[object]", other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RequestList({list(self._items)!r})"

    @property
    def operations(self) -> list[str | None]:
        """The root field of each request, in order."""
        return [request.operation for request in self._items]

    def of(self, operation: str) -> RequestList:
        """The requests of one operation (its root field, e.g. ``"countUsers"``)."""
        return RequestList([r for r in self._items if r.operation == operation])


class RequestLog:
    """The requests of one server, in the order they arrived.

    Args:
        max_requests: The most requests kept; beyond, the oldest are forgotten.
        max_bytes: The most request-body bytes kept (their variables); beyond, the
            oldest requests are forgotten.
    """

    def __init__(
        self,
        max_requests: int = limits.MAX_LOGGED_REQUESTS,
        max_bytes: int = limits.MAX_LOGGED_BYTES,
    ) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []
        self._sizes: list[int] = []
        self._bytes = 0
        self._max_requests = max_requests
        self._max_bytes = max_bytes
        #: Requests forgotten since the last clear: the first kept has this index + 1.
        self._dropped = 0
        # Goes up on each clear, so a request of a past test never lands in this one's log.
        self._generation = 0

    def start(
        self,
        method: str,
        path: str,
        operation: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        fault: Fault | None,
        *,
        size: int = 0,
    ) -> tuple[int, int]:
        """Records a request as it arrives; returns the ticket :meth:`finish` takes.

        `size` is its body's size, which counts against the bytes kept.
        """
        with self._lock:
            index = self._dropped + len(self._entries) + 1
            self._sizes.append(size)
            self._bytes += size
            self._entries.append(
                RecordedRequest(
                    index=index,
                    method=method,
                    path=path,
                    operation=operation,
                    operation_name=operation_name,
                    variables=redact(variables),
                    status=None,
                    fault=fault,
                )
            )
            while len(self._entries) > 1 and (
                len(self._entries) > self._max_requests or self._bytes > self._max_bytes
            ):
                del self._entries[0]
                self._bytes -= self._sizes.pop(0)
                self._dropped += 1
            return index, self._generation

    def finish(self, ticket: tuple[int, int], status: int | None) -> None:
        """Records the status answered to the request :meth:`start` gave `ticket` for."""
        index, generation = ticket
        with self._lock:
            position = index - self._dropped - 1
            if generation != self._generation or not 0 <= position < len(self._entries):
                return  # cleared or forgotten meanwhile: the request belongs to the past
            entry = self._entries[position]
            self._entries[position] = RecordedRequest(
                entry.index,
                entry.method,
                entry.path,
                entry.operation,
                entry.operation_name,
                entry.variables,
                status,
                entry.fault,
            )

    def clear(self) -> None:
        """Forgets every request."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = self._dropped = 0
            self._generation += 1

    def snapshot(self) -> RequestList:
        """The requests so far."""
        with self._lock:
            return RequestList(self._entries)
