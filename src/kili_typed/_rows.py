"""Rows as the classes their types name: `UserRow` and its nested rows.

A listing's rows arrive as the plain dicts of the answer's JSON. Typed as
`UserRow[...]`, they must be `UserRow` instances; this wraps them, once per
row, with one C-level dict copy and, only for the nested fields that were
asked for, one more per nested object. `PageReader` checks a page's values
and wraps its rows without building a model. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache, partial
from itertools import chain, repeat
from operator import is_not, itemgetter, setitem
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
_TEXT: frozenset[type] = frozenset({str, _NONE})
_DICT: frozenset[type] = frozenset({dict})

#: A date-time exactly as `kili_typed._fields.format_datetime` writes it (years from
#: 1000, where ``strftime("%Y")`` pads to four digits), so that reading it as a
#: `datetime` and formatting it back would give the same string: 24 characters.
_DATETIME = (
    r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z"
)
_DATETIME_LENGTH = 24
#: Date-times, one a line.
_DATETIME_LINES = re.compile(rf"(?:{_DATETIME}\n)*{_DATETIME}")
_DAY = itemgetter(slice(0, 10))
_present = partial(is_not, None)


@lru_cache(maxsize=4096)
def _real_date(text: str) -> bool:
    """Whether ``YYYY-MM-DD`` is a day of the calendar (the pattern lets 02-31 through)."""
    try:
        date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return False
    return True


def _datetimes(values: list[Any]) -> bool:
    """Whether each of a column's values (str or None) is None or a date-time as Kili writes it.

    One match for the whole column: joined one a line, the values must be exactly
    as long as that many date-times, so none can hold a line break of its own.
    """
    texts: list[str] = list(filter(_present, values))
    if not texts:
        return True
    joined = "\n".join(texts)
    return (
        len(joined) == (_DATETIME_LENGTH + 1) * len(texts) - 1
        and _DATETIME_LINES.fullmatch(joined) is not None
        and all(map(_real_date, set(map(_DAY, texts))))
    )


#: One column of a page: the getter of its values, the JSON types they may have and,
#: for date-times and objects, the check of the whole column that must then pass.
Column = tuple[Callable[[Any], Any], frozenset[type], Callable[[list[Any]], bool] | None]


def _columns_ok(records: list[Any], keys: list[str], columns: list[Column]) -> bool:
    """Whether each record is a dict of exactly `keys`, in order, and each column passes.

    Each check is a pass over the whole page that runs in C: a few short passes cost
    less than one Python loop over every value.
    """
    if not set(map(type, records)) <= _DICT or not all(map(keys.__eq__, map(list, records))):
        return False
    for value_of, types, check in columns:
        if check is None:
            if not set(map(type, map(value_of, records))) <= types:
                return False
            continue
        values = list(map(value_of, records))
        if not set(map(type, values)) <= types or not check(values):
            return False
    return True


class _Objects:
    """The check of a column of objects (or of lists of them) holding `keys`."""

    def __init__(self, types: Mapping[str, str], keys: list[str], *, many: bool) -> None:
        self._keys = keys
        self._columns = _columns(types, keys)
        self._many = many

    def __call__(self, values: list[Any]) -> bool:
        records: list[Any] = list(filter(_present, values))
        if self._many:
            records = list(chain.from_iterable(records))
        return _columns_ok(records, self._keys, self._columns)


def _columns(types: Mapping[str, str], keys: list[str]) -> list[Column]:
    return [
        (itemgetter(key), _TAKEN[types[key]], None)
        if types[key] in _TAKEN
        else (itemgetter(key), _TEXT, _datetimes)
        for key in keys
    ]


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
        chosen = [name.partition(".") for name in fields]
        tops = {top for top, _, _ in chosen} | {"id"}
        self._keys = [key for key in USER_SCALAR_TYPES if key in tops]
        self._columns = _columns(USER_SCALAR_TYPES, self._keys)
        for top, (types, many) in USER_OBJECT_TYPES.items():
            if top in tops:
                subs = {sub for parent, _, sub in chosen if parent == top}
                objects = _Objects(types, [key for key in types if key in subs], many=many)
                kind = frozenset({list if many else dict, _NONE})
                self._keys.append(top)
                self._columns.append((itemgetter(top), kind, objects))
        # The nested objects asked for, wrapped in their row classes a column at a time.
        self._nested = [
            (itemgetter(top), top, *NESTED_ROWS[top])
            for top in dict.fromkeys(top for top, dot, _ in chosen if dot)
            if top in NESTED_ROWS
        ]
        self._hide_id = hide_id

    def read(self, users: object) -> PageRows | None:
        """The rows of `users` (``data.users``), or None when the model must read them."""
        if type(users) is not list:
            return None
        page = cast("list[dict[str, Any]]", users)
        if not _columns_ok(page, self._keys, self._columns):
            return None
        ids = list(map(_ID, page))
        rows: list[UserRow[Any]] = list(map(UserRow, page))
        for value_of, key, row_class, many in self._nested:
            cls: Callable[[Any], Any] = row_class
            values = list(map(value_of, page))
            wrapped: list[Any]
            if many:
                wrapped = [None if v is None else list(map(cls, v)) for v in values]
            elif None in values:
                wrapped = [None if v is None else cls(v) for v in values]
            else:
                wrapped = list(map(cls, values))
            deque(map(setitem, rows, repeat(key), wrapped), maxlen=0)
        if self._hide_id:
            for row in rows:
                del row["id"]
        return ids, rows


_ID = itemgetter("id")
