"""Writing user rows as a table, JSON, JSON Lines or CSV. Pure: rows in, text out.

JSON and JSON Lines keep the rows exactly as `Kili.users` returns them (nested fields
as nested objects). The table and CSV have one column per requested field, named as
requested (``organization.id``); a field of a list (``apiKeys.name``) joins the
values of its items with ``;``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, TextIO, cast

Format = Literal["table", "json", "jsonl", "csv"]

#: The formats of ``users list --format``, the default first.
FORMATS: tuple[Format, ...] = ("table", "json", "jsonl", "csv")

Row = Mapping[str, object]

_LIST_SEPARATOR = ";"


def _scalar_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cell(row: Row, field: str) -> str:
    """The text of one field of a row, for a table or CSV cell.

    Args:
        row: A row of `Kili.users`.
        field: A requested field name, possibly dotted (``organization.id``).

    Returns:
        The value as text: ``""`` for null or missing, ``true``/``false`` for booleans.
    """
    parent, dot, child = field.partition(".")
    value = row.get(parent)
    if not dot:
        return _scalar_text(value)
    if isinstance(value, Mapping):
        return _scalar_text(cast("Mapping[str, object]", value).get(child))
    if isinstance(value, list):
        items = cast("list[object]", value)
        return _LIST_SEPARATOR.join(
            _scalar_text(cast("Mapping[str, object]", item).get(child))
            for item in items
            if isinstance(item, Mapping)
        )
    return ""


def write_table(rows: Iterable[Row], fields: Sequence[str], out: TextIO) -> int:
    """Writes rows as an aligned table with a header; reads every row first to size columns.

    Returns:
        The number of rows written.
    """
    cells = [[cell(row, field) for field in fields] for row in rows]
    widths = [
        max([len(field), *(len(line[i]) for line in cells)]) for i, field in enumerate(fields)
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.ljust(width) for value, width in zip(values, widths, strict=True)
        ).rstrip()

    out.write(line(fields) + "\n")
    out.write(line(["-" * width for width in widths]) + "\n")
    for values in cells:
        out.write(line(values) + "\n")
    return len(cells)


def write_csv(rows: Iterable[Row], fields: Sequence[str], out: TextIO) -> int:
    """Writes rows as CSV with a header line, one row as soon as it arrives.

    Returns:
        The number of rows written.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    count = 0
    for row in rows:
        writer.writerow([cell(row, field) for field in fields])
        count += 1
    return count


def write_jsonl(rows: Iterable[Row], out: TextIO) -> int:
    """Writes one JSON object per line, one row as soon as it arrives.

    Returns:
        The number of rows written.
    """
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_json(rows: Iterable[Row], out: TextIO) -> int:
    """Writes a JSON array of the rows, one row per line, as soon as each arrives.

    Returns:
        The number of rows written.
    """
    count = 0
    for row in rows:
        out.write(("[\n  " if count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("[]\n" if count == 0 else "\n]\n")
    return count


def write_rows(rows: Iterable[Row], fields: Sequence[str], fmt: Format, out: TextIO) -> int:
    """Writes rows in the chosen format.

    Args:
        rows: The rows of `Kili.users`.
        fields: The requested fields, in order: the table's and CSV's columns.
        fmt: One of `FORMATS`.
        out: Where to write.

    Returns:
        The number of rows written.
    """
    if fmt == "table":
        return write_table(rows, fields, out)
    if fmt == "csv":
        return write_csv(rows, fields, out)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    return write_json(rows, out)
