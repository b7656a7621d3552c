"""Rows as the classes their types name: `UserRow` and its nested rows.

A listing's rows arrive as the plain dicts of the answer's JSON. Typed as
`UserRow[...]`, they must be `UserRow` instances; this wraps them, once per
row, with one C-level dict copy and, only for the nested fields that were
asked for, one more per nested object. `PageReader` checks a page's values
and wraps its rows without building a model. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any, cast

from ._fields import USER_OBJECT_TYPES, USER_SCALAR_TYPES
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


# ------------------------------------------------------------- reading a page

_NONE = type(None)
#: Scalars read from JSON as they are, by GraphQL type: the JSON types the generated
#: models take and dump back unchanged (an enum's member dumps as the name it was read
#: from; an unknown name stays a string). Any other scalar type is a `DateTime`.
_TAKEN: Mapping[str, frozenset[type]] = {
    "ID": frozenset({str, _NONE}),
    "String": frozenset({str, _NONE}),
    "Boolean": frozenset({bool, _NONE}),
    "Int": frozenset({int, _NONE}),
    "OrganizationRole": frozenset({str, _NONE}),
    "HubspotSubscriptionStatus": frozenset({str, _NONE}),
}

#: A date-time exactly as `kili_typed._fields.format_datetime` writes it (years from
#: 1000, where ``strftime("%Y")`` pads to four digits), so that reading it as a
#: `datetime` and formatting it back would give the same string.
_KILI_DATETIME = re.compile(
    r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z"
)


@lru_cache(maxsize=4096)
def _real_date(text: str) -> bool:
    """Whether ``YYYY-MM-DD`` is a day of the calendar (the pattern lets 02-31 through)."""
    try:
        date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return False
    return True


def _kili_datetime(value: object) -> bool:
    if value is None:
        return True
    return (
        type(value) is str
        and _KILI_DATETIME.fullmatch(value) is not None
        and _real_date(value[:10])
    )


Check = Callable[[object], bool]


_TAKEN_BY_KEY: Mapping[str, frozenset[type]] = {
    key: _TAKEN[kind] for key, kind in USER_SCALAR_TYPES.items() if kind in _TAKEN
}


def _object_check(types: Mapping[str, str], many: bool, keys: list[str]) -> Check:
    """The check of an object field whose `keys` were asked for (or of a list of them)."""
    none: frozenset[type] = frozenset()
    taken = [_TAKEN.get(types[key], none) for key in keys]

    def one(value: object) -> bool:
        if type(value) is not dict:
            return False
        record = cast("dict[str, object]", value)
        if list(record) != keys:
            return False
        for item, allowed in zip(record.values(), taken, strict=True):
            if type(item) not in allowed and (allowed or not _kili_datetime(item)):
                return False
        return True

    if not many:
        return lambda value: value is None or one(value)
    return lambda value: (
        value is None
        or (type(value) is list and all(one(item) for item in cast("list[object]", value)))
    )


def _checks(fields: Iterable[str]) -> dict[str, Check]:
    """The `User` keys whose values take more than a look at their type, and their checks."""
    checks: dict[str, Check] = {
        key: _kili_datetime for key, kind in USER_SCALAR_TYPES.items() if kind not in _TAKEN
    }
    chosen = [name.partition(".") for name in fields]
    for top, (types, many) in USER_OBJECT_TYPES.items():
        keys = {sub for parent, _, sub in chosen if parent == top}
        checks[top] = _object_check(types, many, [key for key in types if key in keys])
    return checks


#: The JSON types of the values `_checks` looks at further (date-times, objects).
_CHECKED_TYPES: Mapping[str, frozenset[type]] = {
    **{
        key: frozenset({str, _NONE})
        for key, kind in USER_SCALAR_TYPES.items()
        if kind not in _TAKEN
    },
    **{
        key: frozenset({list if many else dict, _NONE})
        for key, (_, many) in USER_OBJECT_TYPES.items()
    },
}

#: Every top-level key of a row, in the order of the document (and of the model).
_KEYS = (*USER_SCALAR_TYPES, *USER_OBJECT_TYPES)

#: One page read: each row's id (None when it has none) and the rows, in order.
PageRows = tuple[list[Any], list[UserRow[Any]]]


class PageReader:
    """Reads the ``users`` of one answer into rows, without a model.

    A row is taken as it is when it holds exactly the keys asked for, in the
    document's order (as a GraphQL server answers), and each value is what the
    generated `Users` model would dump back unchanged: a string, boolean or
    integer where the schema has one (or null), a date-time already in Kili's
    format, objects of such values. Anything else makes `read` give up on the
    page, so that the caller reads it through the model, which converts it or
    says what is wrong: the rows are the same either way.

    Args:
        fields: The validated field names of the listing.
        hide_id: Whether to leave ``id`` out of the rows (it was not asked for).
    """

    def __init__(self, fields: Iterable[str], *, hide_id: bool) -> None:
        tops = {name.partition(".")[0] for name in fields} | {"id"}
        self._keys = [key for key in _KEYS if key in tops]
        checks = _checks(fields)
        # Per key: its values' getter, the JSON types they may have and, for date-times
        # and objects, the check they must then pass.
        self._columns = [
            (itemgetter(key), _TAKEN_BY_KEY.get(key) or _CHECKED_TYPES[key], checks.get(key))
            for key in self._keys
        ]
        self._wrap = row_wrapper(fields)
        self._hide_id = hide_id

    def read(self, users: object) -> PageRows | None:
        """The rows of `users` (``data.users``), or None when the model must read them."""
        if type(users) is not list:
            return None
        # Each check is a pass over the whole page that runs in C: several short
        # passes cost less than one Python loop over every value.
        page = cast("list[dict[str, Any]]", users)
        if not set(map(type, page)) <= _DICT or not all(map(self._keys.__eq__, map(list, page))):
            return None
        for value_of, types, check in self._columns:
            if not set(map(type, map(value_of, page))) <= types:
                return None
            if check is not None and not all(map(check, map(value_of, page))):
                return None
        ids = list(map(_ID, page))
        rows = list(map(self._wrap, page))
        if self._hide_id:
            for row in rows:
                del row["id"]
        return ids, rows


_DICT = frozenset({dict})
_ID = itemgetter("id")
