"""Rows as the classes their types name: `UserRow` and its nested rows.

A listing's rows arrive as plain dicts (one model dump per page). Typed as
`UserRow[...]`, they must be `UserRow` instances; this wraps them, once per
row, with one C-level dict copy and, only for the nested fields that were
asked for, one more per nested object. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._user_fields import NESTED_ROWS, UserRow

#: Turns one plain row into a `UserRow` (nested objects into their row classes).
RowWrapper = Callable[[dict[str, Any]], UserRow[Any]]


def row_wrapper(fields: Iterable[str]) -> RowWrapper:
    """The cheapest wrapper for rows holding `fields`.

    Args:
        fields: The validated field names of the listing (e.g. a `Selection`).

    Returns:
        A function from a plain row to a `UserRow`: the class itself when no
        nested field is asked for, else one that also wraps those.
    """
    tops = dict.fromkeys(name.partition(".")[0] for name in fields if "." in name)
    nested = tuple((key, *NESTED_ROWS[key]) for key in tops if key in NESTED_ROWS)
    if not nested:
        return UserRow

    def wrap(row: dict[str, Any]) -> UserRow[Any]:
        out: UserRow[Any] = UserRow(row)
        for key, cls, many in nested:
            value = row.get(key)
            if value is not None:
                out[key] = [cls(item) for item in value] if many else cls(value)
        return out

    return wrap


def wrap_rows(rows: Iterable[dict[str, Any]], fields: Iterable[str]) -> list[UserRow[Any]]:
    """`rows` as `UserRow`s, e.g. rows read back from JSON.

    Args:
        rows: Plain dict rows holding `fields`.
        fields: The field names the rows hold.

    Returns:
        New `UserRow` instances, equal to the given dicts.
    """
    return list(map(row_wrapper(fields), rows))
