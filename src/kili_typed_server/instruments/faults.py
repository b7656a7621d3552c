"""Faults a test asks the local server to inject, and which request each one hits.

A :class:`Fault` says what goes wrong (an HTTP status, latency, a hang, a dropped
connection, a cut or non-JSON body, a GraphQL error, partial data), for which GraphQL
operation (its root field, e.g. ``countUsers``), on which matching request (``nth``), how
many times, and whether the server runs the request first (``after_processing``: the
ambiguous write). :class:`FaultSet` holds the faults of a server and hands each request
the fault that hits it. Pure and thread-safe: the instrumented app (``instrument.py``)
applies what this module decides. Standard library only.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: Root fields of the schema, by kind; a fault on another name is refused with these listed.
QUERY_FIELDS = (
    "users",
    "countUsers",
    "viewer",
    "me",
    "apiKeys",
    "countApiKeys",
    "organizations",
    "countOrganizations",
)
MUTATION_FIELDS = ("createUser", "updatePassword", "resetPassword", "updatePropertiesInUser")
ROOT_FIELDS = QUERY_FIELDS + MUTATION_FIELDS

#: What a fault that changes the answer does; at most one per fault.
_ACTIONS = ("status", "body", "hang", "drop", "truncate", "graphql_error")
#: The body of an injected HTTP status when none is given: a gateway's plain text.
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_SNAKE = re.compile(r"_([a-z0-9])")


def root_field_name(operation: str) -> str:
    """The schema's root field for an operation named either way.

    Args:
        operation: ``"countUsers"`` or the Python method name, ``"count_users"``.

    Returns:
        The root field, e.g. ``"countUsers"``.

    Raises:
        ValueError: When no root field has this name, with the accepted ones.
    """
    name = _SNAKE.sub(lambda match: match.group(1).upper(), operation.strip())
    if name not in ROOT_FIELDS:
        raise ValueError(
            f"unknown operation {operation!r}: give a root field of the schema, one of "
            f"{', '.join(ROOT_FIELDS)} (or its Python name, e.g. 'count_users'), "
            "or None for every GraphQL request"
        )
    return name


def reason_phrase(status: int) -> str:
    """A short text for an injected status's default body."""
    return _REASONS.get(status, "Injected fault")


@dataclass(frozen=True)
class Fault:
    """One fault: what goes wrong, on which requests.

    Build it through :meth:`FaultSet.add`, which checks the combination. At most one of
    ``status`` (with ``body`` or not), ``body`` alone, ``hang``, ``drop``, ``truncate`` and
    ``graphql_error`` is given; ``delay`` combines with any of them, or stands alone
    (latency on an otherwise normal answer).

    Attributes:
        operation: The root field matched (``"countUsers"``), or ``None`` for any request.
        status: The HTTP status answered instead of the server's.
        retry_after: The ``Retry-After`` header sent with ``status`` (seconds), if any.
        body: The body answered (with ``status``, or alone with HTTP 200).
        content_type: The body's content type.
        delay: Seconds waited before answering.
        hang: Never answer (until the client gives up, or the fault set is cleared).
        drop: Close the connection without an answer.
        truncate: Send the answer's headers and only half its body, then close.
        graphql_error: The ``extensions.code`` of a GraphQL error answered.
        message: That error's message.
        partial: Keep the server's ``data`` and add the error (needs the request run).
        times: How many matching requests in a row the fault hits.
        nth: The first matching request it hits (1: the next one).
        after_processing: Whether the server runs the request before the fault replaces
            its answer.
    """

    operation: str | None = None
    status: int | None = None
    retry_after: float | None = None
    body: str | None = None
    content_type: str | None = None
    delay: float | None = None
    hang: bool = False
    drop: bool = False
    truncate: bool = False
    graphql_error: str | None = None
    message: str | None = None
    partial: bool = False
    times: int = 1
    nth: int = 1
    after_processing: bool = False

    def describe(self) -> str:
        """A one-line description, e.g. ``503 Retry-After 1 on countUsers (1 time)``."""
        parts: list[str] = []
        if self.status is not None:
            parts.append(str(self.status))
            if self.retry_after is not None:
                parts.append(f"Retry-After {self.retry_after:g}")
        if self.body is not None:
            parts.append(f"body of {len(self.body)} characters")
        if self.graphql_error is not None:
            parts.append(("partial data with " if self.partial else "") + self.graphql_error)
        for flag in ("hang", "drop", "truncate"):
            if getattr(self, flag):
                parts.append(flag)
        if self.delay:
            parts.append(f"delay {self.delay:g}s")
        where = self.operation or "any operation"
        when = " after processing" if self.after_processing else ""
        nth = f", from match {self.nth}" if self.nth > 1 else ""
        count = f"{self.times} time" + ("s" if self.times != 1 else "")
        return f"{' '.join(parts) or 'no-op'} on {where}{when} ({count}{nth})"

    def to_json(self) -> dict[str, Any]:
        """The fault as JSON, with the names :meth:`FaultSet.add` accepts."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def make_fault(
    operation: str | None = None,
    *,
    status: int | None = None,
    retry_after: float | None = None,
    body: str | bytes | Mapping[str, Any] | None = None,
    content_type: str | None = None,
    delay: float | None = None,
    hang: bool = False,
    drop: bool = False,
    truncate: bool = False,
    graphql_error: str | None = None,
    message: str | None = None,
    partial: bool = False,
    times: int = 1,
    nth: int = 1,
    after_processing: bool | None = None,
) -> Fault:
    """Checks a fault's arguments and builds it; see :meth:`FaultSet.add`.

    Raises:
        ValueError: When an argument or the combination is not acceptable.
        TypeError: When an argument has the wrong type.
    """
    root = None if operation is None else root_field_name(operation)
    chosen = _chosen_actions(status, hang, drop, truncate, graphql_error, body)
    _check_retry_after(retry_after, status, graphql_error)
    _check_one_action(chosen, delay)
    _check_numbers(status, delay, times, nth)
    _check_companions(message, partial, truncate, graphql_error, after_processing)
    needs_processing = truncate or partial
    text = _body_text(body)
    return Fault(
        operation=root,
        status=status,
        retry_after=None if retry_after is None else float(retry_after),
        body=text,
        content_type=content_type,
        delay=None if delay is None else float(delay),
        hang=hang,
        drop=drop,
        truncate=truncate,
        graphql_error=graphql_error,
        message=message,
        partial=partial,
        times=times,
        nth=nth,
        after_processing=bool(after_processing) or needs_processing,
    )


def _chosen_actions(
    status: int | None,
    hang: bool,
    drop: bool,
    truncate: bool,
    graphql_error: str | None,
    body: object,
) -> list[str]:
    """The actions a fault's arguments ask for (one is expected)."""
    # A GraphQL error may come with a status (Apollo answers some with 400): one fault.
    chosen = [
        name
        for name, value in (
            ("status", None if graphql_error is not None else status),
            ("hang", hang),
            ("drop", drop),
            ("truncate", truncate),
            ("graphql_error", graphql_error),
        )
        if value not in (None, False)
    ]
    if body is not None and status is None and "graphql_error" not in chosen:
        chosen.append("body")
    return chosen


def _check_retry_after(
    retry_after: float | None, status: int | None, graphql_error: str | None
) -> None:
    if retry_after is None:
        return
    if status is None or graphql_error is not None:
        raise ValueError("retry_after goes with status= (e.g. status=429 or status=503)")
    if isinstance(retry_after, bool) or not isinstance(retry_after, (int, float)):
        raise TypeError(f"retry_after must be a number of seconds, got {retry_after!r}")
    if not 0 <= retry_after < math.inf:
        raise ValueError(f"retry_after must be a finite 0 or more seconds, got {retry_after}")


def _check_one_action(chosen: list[str], delay: float | None) -> None:
    if len(chosen) > 1:
        raise ValueError(
            f"a fault does one thing; got {' and '.join(chosen)}: add one fault for each "
            f"(one of {', '.join(_ACTIONS)}, each with delay= if wanted)"
        )
    if not chosen and not delay:
        raise ValueError(
            f"the fault does nothing: give one of {', '.join(_ACTIONS)}, or delay= for latency"
        )


def _check_numbers(status: int | None, delay: float | None, times: int, nth: int) -> None:
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599
    ):
        raise ValueError(f"status must be an HTTP status from 100 to 599, got {status!r}")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay < math.inf
    ):
        raise ValueError(f"delay must be a finite 0 or more seconds, got {delay!r}")
    for name, value in (("times", times), ("nth", nth)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of 1 or more, got {value!r}")


def _check_companions(
    message: str | None,
    partial: bool,
    truncate: bool,
    graphql_error: str | None,
    after_processing: bool | None,
) -> None:
    """Options that only make sense beside another one."""
    if message is not None and graphql_error is None:
        raise ValueError("message goes with graphql_error= (the error's extensions.code)")
    if partial and graphql_error is None:
        raise ValueError("partial=True goes with graphql_error= (the error added to the data)")
    if after_processing is False and (truncate or partial):
        what = "truncate" if truncate else "partial"
        raise ValueError(
            f"{what}=True cuts or extends the server's answer: it needs the request run"
        )


def _body_text(body: str | bytes | Mapping[str, Any] | None) -> str | None:
    if body is None or isinstance(body, str):
        return body
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, Mapping):
        import json

        return json.dumps(body)
    raise TypeError(f"body must be str, bytes or a JSON object, got {type(body).__name__}")


@dataclass
class _Armed:
    fault: Fault
    seen: int = 0
    hits: int = 0


@dataclass
class FaultSet:
    """The faults of one server, in the order they were added.

    A request takes the first fault whose operation matches and whose turn has come:
    each fault counts the requests that match it from when it was added, skips the first
    ``nth - 1`` and hits the next ``times``, then is spent.
    """

    _armed: list[_Armed] = field(default_factory=list[_Armed])
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Goes up each time the faults are cleared: a hanging request ends when it changes.
    generation: int = 0

    def add(self, operation: str | None = None, **options: Any) -> Fault:
        """Adds a fault.

        Args:
            operation: The GraphQL operation's root field (``"countUsers"``, or the
                Python name ``"count_users"``); ``None`` for every GraphQL request.
            **options: ``status``, ``retry_after``, ``body``, ``content_type``, ``delay``,
                ``hang``, ``drop``, ``truncate``, ``graphql_error``, ``message``,
                ``partial``, ``times``, ``nth``, ``after_processing``: see :class:`Fault`.

        Returns:
            The fault, as checked.

        Raises:
            ValueError: When the arguments make no fault, or an impossible one.
            TypeError: On an unknown option.
        """
        fault = make_fault(operation, **options)
        with self._lock:
            self._armed.append(_Armed(fault))
        return fault

    def clear(self) -> None:
        """Removes every fault, and ends the requests hanging because of one."""
        with self._lock:
            self._armed.clear()
            self.generation += 1

    def take(self, operation: str | None) -> Fault | None:
        """The fault that hits a request of `operation` (a root field, or ``None``), if any.

        Counts the request against every fault it matches: an ``nth`` counts from the
        fault's addition.
        """
        chosen: Fault | None = None
        with self._lock:
            for armed in self._armed:
                fault = armed.fault
                if fault.operation is not None and fault.operation != operation:
                    continue
                armed.seen += 1
                if chosen is None and armed.seen >= fault.nth and armed.hits < fault.times:
                    armed.hits += 1
                    chosen = fault
            self._armed = [a for a in self._armed if a.hits < a.fault.times]
        return chosen

    @property
    def pending(self) -> list[Fault]:
        """The faults that have not hit all their requests yet."""
        with self._lock:
            return [armed.fault for armed in self._armed]

    def __len__(self) -> int:
        return len(self.pending)

    def __repr__(self) -> str:
        return f"FaultSet([{'; '.join(fault.describe() for fault in self.pending)}])"
