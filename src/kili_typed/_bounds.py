"""What a client accepts from a server: how large an answer, how long an attempt.

Sans-I/O: the facades stream each answer through an `AnswerReading` and stop as
soon as a bound is crossed, so a server can neither fill the client's memory (an
endless body, or a small gzip body that inflates to gigabytes: the size counted is
the inflated one) nor hold one attempt past its timeout by trickling bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from .errors import ClientClosedError


class AnswerTooLarge(Exception):
    """An answer crossed the size bound. Internal: mapped to `ResponseTooLargeError`."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit} bytes")
        self.limit = limit


def client_closed() -> ClientClosedError:
    """The error for a call on a closed client."""
    return ClientClosedError(
        "this client is closed (its connection pool was closed); create a new one"
    )


@dataclass(frozen=True)
class AnswerLimits:
    """The bounds of one client.

    Args:
        timeout: The client's timeout: its ``read`` is what one attempt may take as a whole.
        max_bytes: The largest answer body accepted, once inflated.
    """

    timeout: httpx.Timeout
    max_bytes: int

    def start(self) -> AnswerReading:
        """Start the clock of one attempt."""
        budget = self.timeout.read
        deadline = None if budget is None else time.monotonic() + budget
        return AnswerReading(self.max_bytes, deadline, budget)


class AnswerReading:
    """One answer being read: its chunks, checked against the bounds as they come."""

    __slots__ = ("_budget", "_chunks", "_deadline", "_max_bytes", "_size")

    def __init__(self, max_bytes: int, deadline: float | None, budget: float | None) -> None:
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._budget = budget
        self._chunks: list[bytes] = []
        self._size = 0

    def check_length(self, content_length: str | None) -> None:
        """Refuse at once an answer that announces more than the bound."""
        # The announced length is of the body as sent; inflating only makes it larger.
        announced = int(content_length) if content_length and content_length.isdigit() else 0
        if announced > self._max_bytes:
            raise AnswerTooLarge(self._max_bytes)

    def add(self, chunk: bytes) -> None:
        """Take one (inflated) chunk of the body.

        Raises:
            AnswerTooLarge: The body so far is larger than the bound.
            httpx.ReadTimeout: The attempt has taken longer than its timeout.
        """
        self._size += len(chunk)
        if self._size > self._max_bytes:
            raise AnswerTooLarge(self._max_bytes)
        self._chunks.append(chunk)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout(f"the answer took longer than {self._budget:g}s in all")

    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self._chunks)


def read_response(response: httpx.Response, body: bytes) -> httpx.Response:
    """A response holding `body`, already read and inflated, for the generated client."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )
