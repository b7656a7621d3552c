"""The requests a local server received, as a test asserts on them: never a secret.

Each request is kept with its GraphQL operation's root field, its variables with every
secret replaced (passwords, API keys, tokens, found by name at any depth), the HTTP status
answered and the fault applied. Standard library only; thread-safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

from kili_typed_server.faults import Fault

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
    """The requests of one server, in the order they arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []
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
    ) -> tuple[int, int]:
        """Records a request as it arrives; returns the ticket :meth:`finish` takes."""
        with self._lock:
            index = len(self._entries) + 1
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
            return index, self._generation

    def finish(self, ticket: tuple[int, int], status: int | None) -> None:
        """Records the status answered to the request :meth:`start` gave `ticket` for."""
        index, generation = ticket
        with self._lock:
            if generation != self._generation or index > len(self._entries):
                return  # the log was cleared meanwhile: the request belongs to a past test
            entry = self._entries[index - 1]
            self._entries[index - 1] = RecordedRequest(
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
            self._generation += 1

    def snapshot(self) -> RequestList:
        """The requests so far."""
        with self._lock:
            return RequestList(self._entries)
