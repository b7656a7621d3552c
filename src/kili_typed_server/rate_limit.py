"""Per-key throttling, as Kili does it: ``N`` requests a minute, then HTTP 429.

Each API key (or, for a request without one, each client address) has a token bucket
holding at most ``N`` tokens and refilled at ``N`` a minute: a client may burst up to ``N``
requests, then goes on at the sustained rate. A refused request learns from ``Retry-After``
how many whole seconds to wait for its next token.

Keys are held only as SHA-256 digests, and buckets that have refilled are forgotten, so
memory stays bounded by the number of keys seen within about a minute.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Buckets kept before the full ones are swept away.
_SWEEP_THRESHOLD = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets, one per key.

    Args:
        per_minute: Requests allowed a minute per key, and the largest burst.
        clock: Monotonic seconds; tests pass a fake one.

    Raises:
        ValueError: When ``per_minute`` is not positive.

    Examples:
        >>> limiter = RateLimiter(60)
        >>> limiter.retry_after("some key") is None
        True
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError(f"a rate limit must be a positive number a minute, got {per_minute}")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._buckets: dict[bytes, _Bucket] = {}
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
            bucket = self._buckets.get(digest)
            if bucket is None:
                if len(self._buckets) >= _SWEEP_THRESHOLD:
                    self._sweep(now)
                bucket = self._buckets[digest] = _Bucket(float(self.per_minute), now)
            else:
                bucket.tokens = min(
                    float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate
                )
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / self._rate))

    def _sweep(self, now: float) -> None:
        # A bucket that has refilled holds no information: a new one would be the same.
        full = [
            digest
            for digest, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self._rate >= self.per_minute
        ]
        for digest in full:
            del self._buckets[digest]

    def __len__(self) -> int:
        """The number of keys currently tracked."""
        return len(self._buckets)
