"""Per-key throttling, as Kili does it: ``N`` requests a minute, then HTTP 429.

Each API key (or, for a request without one, each client address) has a token bucket
holding at most ``N`` tokens and refilled at ``N`` a minute: a client may burst up to ``N``
requests, then goes on at the sustained rate. A refused request learns from ``Retry-After``
how many whole seconds to wait for its next token.

Keys are held only as SHA-256 digests. Each request does O(1) work: buckets are kept in
the order they were last used, and the least recently used are dropped from the front once
a minute has passed since their last use (they have refilled, so a new bucket would be the
same), or when more than ``max_buckets`` are held, so memory stays bounded however many
made-up keys a client sends.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: Buckets kept at most; past it the least recently used is dropped even if not yet full.
DEFAULT_MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets, one per key.

    Args:
        per_minute: Requests allowed a minute per key, and the largest burst.
        clock: Monotonic seconds; tests pass a fake one.
        max_buckets: Keys tracked at most (the least recently used is forgotten beyond).

    Raises:
        ValueError: When ``per_minute`` is not positive.

    Examples:
        >>> limiter = RateLimiter(60)
        >>> limiter.retry_after("some key") is None
        True
    """

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = DEFAULT_MAX_BUCKETS,
    ) -> None:
        if per_minute <= 0:
            raise ValueError(f"a rate limit must be a positive number a minute, got {per_minute}")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._max_buckets = max_buckets
        self._buckets: OrderedDict[bytes, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """Takes a token for ``key``, or tells how long to wait for one.

        Args:
            key: Whom to count: the API key, or a stand-in such as the client's address.

        Returns:
            ``None`` when the request may go on; otherwise the whole number of seconds
            (at least 1) after which a token will be there.
        """
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        with self._lock:
            now = self._clock()
            self._forget_refilled(now)
            bucket = self._buckets.get(digest)
            if bucket is None:
                bucket = self._buckets[digest] = _Bucket(float(self.per_minute), now)
                if len(self._buckets) > self._max_buckets:
                    self._buckets.popitem(last=False)
            else:
                bucket.tokens = min(
                    float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate
                )
                bucket.updated = now
                self._buckets.move_to_end(digest)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / self._rate))

    def _forget_refilled(self, now: float) -> None:
        # The front holds the least recently used buckets. A bucket unused for a minute has
        # refilled and holds no information. Each bucket is dropped once, so this costs
        # O(1) amortised per request.
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated < 60.0:
                return
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        """The number of keys currently tracked."""
        return len(self._buckets)
