"""Page planning for `users`: which `skip`/`first` pairs to ask for. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ._constants import PAGE_SIZE


@dataclass(frozen=True)
class Page:
    """One `users` request: `first` rows starting after `skip` rows."""

    skip: int
    first: int


def rows_to_fetch(count: int, skip: int, first: int | None) -> int:
    """How many rows a listing returns, given the server's count.

    Args:
        count: Users matching the filter, as `countUsers` answered.
        skip: Users to skip, in creation order.
        first: The most users to return, or None for all.

    Returns:
        ``min(first, count - skip)``, never negative.
    """
    remaining = max(0, count - skip)
    return remaining if first is None else min(first, remaining)


def plan_pages(total: int, skip: int, page_size: int = PAGE_SIZE) -> Iterator[Page]:
    """The pages that fetch exactly `total` rows starting after `skip`.

    Each page asks for exactly what remains, capped at `page_size`, so the
    listing never over-fetches (``first=250`` asks 100, 100, 50).
    """
    if page_size <= 0:
        raise ValueError(f"page_size must be positive, got {page_size}")
    fetched = 0
    while fetched < total:
        size = min(page_size, total - fetched)
        yield Page(skip=skip + fetched, first=size)
        fetched += size
