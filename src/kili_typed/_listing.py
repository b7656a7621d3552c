"""One `users` listing, planned and shaped without I/O.

The facades count, then send the planned pages (several in flight) and feed
each answer back here in page order. This keeps what a listing returns the
same whichever facade runs it: rows hold exactly the requested fields, no id
is returned twice even when users are created or deleted meanwhile, and a
listing that receives fewer rows than counted simply ends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, Protocol, cast

from ._fields import UserSelection, keys_to_convert, plain
from ._operations import UsersRequest
from ._pagination import Page, plan_pages, rows_to_fetch
from ._rows import row_wrapper
from ._types import UserDict

logger = logging.getLogger("kili_typed")


class Dumpable(Protocol):
    """A `users` answer model of either generated package."""

    def model_dump(self, *, by_alias: bool = ..., exclude_unset: bool = ...) -> dict[str, Any]: ...


class Listing:
    """The state of one listing: its pages, the ids seen, the rows returned.

    Args:
        request: The checked `users` call.
    """

    def __init__(self, request: UsersRequest) -> None:
        self.request = request
        # Ids are always asked for, to drop duplicates; returned only when requested.
        self.flags: UserSelection = {**request.selection.flags, "with_id": True}
        self._hide_id = "id" not in request.selection.fields
        self._convert = keys_to_convert(request.selection.fields)
        self._wrap = row_wrapper(request.selection.fields)
        self._seen: set[str] = set()
        self.expected = 0
        self.returned = 0

    def pages(self, count: int) -> Iterator[Page]:
        """The pages to request, given what `countUsers` answered."""
        self.expected = rows_to_fetch(count, self.request.skip, self.request.first)
        return plan_pages(self.expected, self.request.skip)

    def rows(self, answer: Dumpable) -> list[UserDict]:
        """One page's answer (a generated `Users` model) as rows, without ids already returned."""
        rows: list[UserDict] = []
        # One dump per page: much cheaper than one per row.
        for row in answer.model_dump(by_alias=True, exclude_unset=True)["users"]:
            user_id = row.get("id")
            if user_id is not None:
                if user_id in self._seen:
                    logger.debug("users: dropped user %s, already returned", user_id)
                    continue
                self._seen.add(user_id)
            if self._hide_id:
                row.pop("id", None)
            for key in self._convert:
                if key in row:
                    row[key] = plain(row[key])
            # A UserRow is the dict that UserDict describes (and what UserRow[...] names).
            rows.append(cast(UserDict, self._wrap(row)))
        self.returned += len(rows)
        return rows

    def finish(self) -> None:
        """Note, at DEBUG, a listing that got fewer rows than counted."""
        if self.returned < self.expected:
            logger.debug(
                "users: %d rows arrived where %d were counted (users changed meanwhile); "
                "the listing ends here",
                self.returned,
                self.expected,
            )
