"""Listings, planned and shaped without I/O: the pages to ask for, one `users` listing's
state, and its progress bar.

The facades count, then send the planned pages (several in flight); each
answer's ``data`` is read into rows here (`Listing.read`, in the fetch, so a
malformed page fails that fetch like any failed request), and the pages are fed
back in page order (`Listing.rows`). This keeps what a listing returns the same
whichever facade runs it: rows hold exactly the requested fields, no id is
returned twice even when users are created or deleted meanwhile, and a listing
that receives fewer rows than counted simply ends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, cast

from ._constants import PAGE_SIZE
from ._fields import UserSelection, keys_to_convert, plain
from ._operations import UsersRequest
from ._rows import PageReader, PageRows, row_wrapper
from ._types import UserDict
from ._user_fields import UserRow

logger = logging.getLogger("kili_typed")


# ------------------------------------------------------------- planning pages


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


# ------------------------------------------------------------- one listing


class Dumpable(Protocol):
    """A `users` answer model of either generated package."""

    def model_dump(self, *, by_alias: bool = ..., exclude_unset: bool = ...) -> dict[str, Any]: ...


class PageModel(Protocol):
    """The generated `Users` model of either package: it checks a page the reader refused."""

    def model_validate(self, obj: Any) -> Dumpable: ...


def _variable_name(flag: str) -> str:
    """The GraphQL variable of an ``@include`` flag: ``with_auth_0_id`` -> ``withAuth0Id``."""
    first, *rest = flag.split("_")
    return first + "".join(part.capitalize() for part in rest)


class Listing:
    """The state of one listing: its pages, the ids seen, the rows returned.

    Args:
        request: The checked `users` call.
        model: The generated `Users` model, to read a page the fast reader refuses
            (defaults to the sync package's, imported when first needed).
    """

    def __init__(self, request: UsersRequest, *, model: PageModel | None = None) -> None:
        self.request = request
        # Ids are always asked for, to drop duplicates; returned only when requested.
        self.flags: UserSelection = {**request.selection.flags, "with_id": True}
        self._flag_variables = {_variable_name(name): on for name, on in self.flags.items()}
        self._hide_id = "id" not in request.selection.fields
        self._convert = keys_to_convert(request.selection.fields)
        self._wrap = row_wrapper(request.selection.fields)
        self._reader = PageReader(request.selection.fields, hide_id=self._hide_id)
        self._model = model
        self._seen: set[Any] = set()
        self.expected = 0
        self.returned = 0

    def pages(self, count: int) -> Iterator[Page]:
        """The pages to request, given what `countUsers` answered."""
        self.expected = rows_to_fetch(count, self.request.skip, self.request.first)
        return plan_pages(self.expected, self.request.skip)

    def variables(self, where: object, page: Page) -> dict[str, Any]:
        """The variables of one page's `users` query, for the generated client to send.

        Args:
            where: The `UserWhere` model of either generated package, built once per
                listing (the generated client writes it as JSON with each page).
            page: The page.
        """
        return {"where": where, "first": page.first, "skip": page.skip, **self._flag_variables}

    def read(self, data: dict[str, Any]) -> PageRows:
        """One page's answer (its ``data``) as rows, each with its id, in the server's order.

        Pure and independent of the other pages: it may run in any worker.

        Two readers, on purpose: `PageReader` takes a page as it is when the generated
        `Users` model would dump it back unchanged (every page a Kili server writes);
        any other page goes through that model, which converts it or says what is
        wrong. Reading every page through the model would be one reader, but
        ``bench/rows.py`` measures a 100-row page 3.5x (4 flat fields) to 5.8x (with
        date-times and nested objects) slower that way: about 7 us more CPU per row
        for 4 fields, which alone would take `Kili`'s CPU per row past the 0.75x of
        the official SDK's that `make bench` holds it to.

        Raises:
            pydantic.ValidationError: The answer does not have the shape of `Users`.
        """
        page = self._reader.read(data.get("users"))
        return self._read_through_model(data) if page is None else page

    def _read_through_model(self, data: dict[str, Any]) -> PageRows:
        """A page read as the generated client does: validated, converted, dumped."""
        model = self._model
        if model is None:
            from kili_typed_generated.users import Users

            model = cast(PageModel, Users)
        ids: list[Any] = []
        rows: list[UserRow[Any]] = []
        dumped = model.model_validate(data).model_dump(by_alias=True, exclude_unset=True)
        row: dict[str, Any]
        for row in dumped["users"]:
            ids.append(row.get("id"))
            if self._hide_id:
                row.pop("id", None)
            for key in self._convert:
                if key in row:
                    row[key] = plain(row[key])
            rows.append(self._wrap(row))
        return ids, rows

    def rows(self, page: PageRows) -> list[UserDict]:
        """The rows of one page read by `read`, without ids already returned, in page order."""
        ids, rows = page
        seen = self._seen
        fresh = set(ids)
        kept: list[UserRow[Any]]
        if len(fresh) == len(ids) and seen.isdisjoint(fresh):
            # The usual page: no id twice, none seen before.
            seen |= fresh
            kept = rows
        else:
            kept = []
            for user_id, row in zip(ids, rows, strict=True):
                if user_id is not None:
                    if user_id in seen:
                        logger.debug("users: dropped user %s, already returned", user_id)
                        continue
                    seen.add(user_id)
                kept.append(row)
        self.returned += len(kept)
        # A UserRow is the dict that UserDict describes (and what UserRow[...] names).
        return cast("list[UserDict]", kept)

    def finish(self) -> None:
        """Note, at DEBUG, a listing that got fewer rows than counted."""
        if self.returned < self.expected:
            logger.debug(
                "users: %d rows arrived where %d were counted (users changed meanwhile); "
                "the listing ends here",
                self.returned,
                self.expected,
            )


# ------------------------------------------------------------- progress


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
