"""Rows to table, CSV, JSON and JSON Lines (pure)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kili_typed._commands.output import Format, Row, cell, write_rows

ROWS: list[Row] = [
    {
        "email": "ada@example.com",
        "activated": True,
        "lastname": None,
        "organization": {"id": "org-1"},
        "apiKeys": [{"name": "ci"}, {"name": "laptop"}],
    },
    {"email": "bob@example.com", "activated": False, "organization": None, "apiKeys": []},
]
FIELDS = ["email", "activated", "lastname", "organization.id", "apiKeys.name"]


@pytest.mark.parametrize(
    ("row", "field", "text"),
    [
        (ROWS[0], "email", "ada@example.com"),
        (ROWS[0], "activated", "true"),
        (ROWS[1], "activated", "false"),
        (ROWS[0], "lastname", ""),
        (ROWS[0], "organization.id", "org-1"),
        (ROWS[1], "organization.id", ""),
        (ROWS[0], "apiKeys.name", "ci;laptop"),
        (ROWS[1], "apiKeys.name", ""),
        (ROWS[1], "missing", ""),
    ],
)
def test_cell(row: Row, field: str, text: str) -> None:
    assert cell(row, field) == text


def render(fmt: Format, rows: list[Row]) -> tuple[int, str]:
    out = io.StringIO()
    count = write_rows(iter(rows), FIELDS, fmt, out)
    return count, out.getvalue()


def test_table_is_aligned_under_a_header() -> None:
    count, text = render("table", ROWS)
    assert count == 2
    assert text.splitlines() == [
        "email            activated  lastname  organization.id  apiKeys.name",
        "---------------  ---------  --------  ---------------  ------------",
        "ada@example.com  true                 org-1            ci;laptop",
        "bob@example.com  false",
    ]


def test_csv_has_a_header_and_flat_cells() -> None:
    count, text = render("csv", ROWS)
    assert count == 2
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == FIELDS
    assert parsed[1] == ["ada@example.com", "true", "", "org-1", "ci;laptop"]


def test_json_and_jsonl_keep_rows_as_returned() -> None:
    assert json.loads(render("json", ROWS)[1]) == ROWS
    lines = render("jsonl", ROWS)[1].splitlines()
    assert [json.loads(line) for line in lines] == ROWS


@pytest.mark.parametrize(
    ("fmt", "text"), [("json", "[]\n"), ("jsonl", ""), ("csv", ",".join(FIELDS) + "\n")]
)
def test_no_rows(fmt: Format, text: str) -> None:
    assert render(fmt, []) == (0, text)
