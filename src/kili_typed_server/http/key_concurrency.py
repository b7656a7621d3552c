"""At most a few GraphQL requests of one API key run at once.

A request runs in a worker thread of the HTTP layer's pool (Starlette's, 40 threads by
default). Without a bound, one key sending many costly requests at once held every
worker, and every other client waited behind it. Per key, ``running`` requests run at
once; up to ``waiting`` more wait their turn on the event loop, holding no worker (a
client listing pages concurrently, as kili-typed does with 10 in flight, is slowed by
nothing but its own requests); beyond, the request is answered 429 with ``Retry-After``.

Keys are held only as SHA-256 digests, and only while one of their requests is in
flight, so memory is bounded by the requests in flight. Every method runs on the event
loop's thread, which serializes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from starlette.responses import PlainTextResponse, Response

from kili_typed_server.core import limits

#: Seconds a refused request is told to wait: a turn frees when one request ends.
RETRY_AFTER_SECONDS = 1


class KeyBusy(Exception):
    """The key already has as many requests running and waiting as it may."""


@dataclass
class _Key:
    turns: anyio.Semaphore
    admitted: int = 0


class KeyConcurrency:
    """Turns to run, per API key.

    Args:
        running: Requests of one key that run at once.
        waiting: Requests of one key that may wait for a turn; by default
            ``limits.WAITING_REQUESTS_PER_TURN`` times `running`.

    Raises:
        ValueError: When `running` is less than 1 or `waiting` negative.
    """

    def __init__(self, running: int, waiting: int | None = None) -> None:
        if isinstance(running, bool) or not isinstance(running, int) or running < 1:
            raise ValueError(
                f"the requests one key may run at once must be 1 or more, got {running!r}"
            )
        if waiting is None:
            waiting = running * limits.WAITING_REQUESTS_PER_TURN
        if waiting < 0:
            raise ValueError(f"the requests one key may queue must be 0 or more, got {waiting}")
        self.running = running
        self.waiting = waiting
        self._keys: dict[bytes, _Key] = {}

    @asynccontextmanager
    async def turn(self, api_key: str) -> AsyncGenerator[None]:
        """Waits for a turn of `api_key`, and holds it meanwhile.

        Raises:
            KeyBusy: At once, when the key already has ``running + waiting`` requests in.
        """
        digest = hashlib.sha256(api_key.encode("utf-8")).digest()
        key = self._keys.get(digest)
        if key is None:
            key = self._keys[digest] = _Key(anyio.Semaphore(self.running))
        elif key.admitted >= self.running + self.waiting:
            raise KeyBusy
        key.admitted += 1
        try:
            async with key.turns:
                yield
        finally:
            key.admitted -= 1
            if not key.admitted:
                del self._keys[digest]

    def __len__(self) -> int:
        """The number of keys with a request in flight."""
        return len(self._keys)

    def busy(self) -> Response:
        """Kili's gateway's answer to one request too many: 429, ``Retry-After``, plain text."""
        return PlainTextResponse(
            f"Too Many Requests: at most {self.running} requests of one API key run at once "
            f"and {self.waiting} wait their turn; retry after {RETRY_AFTER_SECONDS} s",
            status_code=429,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
