"""Time: the server's notion of now and the wire format of ``DateTime``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Returns the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def format_datetime(moment: datetime) -> str:
    """Formats a moment as Kili does: ``YYYY-MM-DDTHH:MM:SS.fffZ`` in UTC.

    The format sorts lexicographically in time order, so the store keeps it as text.

    Args:
        moment: A timezone-aware datetime (naive ones are taken as UTC).

    Returns:
        The formatted string, e.g. ``2024-01-08T10:21:00.624Z``.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
