"""The progress bar of long listings."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol


class ProgressBar(Protocol):
    """What the listing needs of a progress bar."""

    def update(self, n: int = 1) -> Any: ...


class _NoBar:
    def update(self, n: int = 1) -> None:
        return None

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def progress_bar(total: int, *, disable: bool) -> AbstractContextManager[ProgressBar]:
    """A tqdm bar of `total` users on stderr, or a no-op when disabled.

    tqdm is imported only when a bar is shown, so a disabled bar costs nothing.
    """
    if disable:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="users", unit="user")
