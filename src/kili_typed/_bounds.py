"""What a client accepts from a server: how large an answer, how long an attempt.

Sans-I/O: the facades stream each answer through an `AnswerReading` and stop as
soon as the size bound is crossed, so a server cannot fill the client's memory (an
endless body, or a small gzip body that inflates to gigabytes: the size counted is
the inflated one). `kili_typed._transport` reads each answer through it, and bounds how
long an attempt may take.
"""

from __future__ import annotations

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


class AnswerReading:
    """One answer being read: its chunks, checked against the size bound as they come.

    Args:
        max_bytes: The largest answer body accepted, once inflated.
    """

    __slots__ = ("_chunks", "_max_bytes", "_size")

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
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
        """
        self._size += len(chunk)
        if self._size > self._max_bytes:
            raise AnswerTooLarge(self._max_bytes)
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self._chunks)
