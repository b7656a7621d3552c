"""Page planning: exact windows, never over-fetching."""

from __future__ import annotations

import pytest

from kili_typed._listing import Page, plan_pages, rows_to_fetch


@pytest.mark.parametrize(
    ("count", "skip", "first", "expected"),
    [
        (0, 0, None, 0),
        (10, 0, None, 10),
        (10, 3, None, 7),
        (10, 20, None, 0),
        (300, 0, 250, 250),
        (300, 100, 250, 200),
        (5, 0, 0, 0),
        (5, 0, 100, 5),
    ],
)
def test_rows_to_fetch(count: int, skip: int, first: int | None, expected: int) -> None:
    assert rows_to_fetch(count, skip, first) == expected


@pytest.mark.parametrize(
    ("total", "skip", "pages"),
    [
        (0, 0, []),
        (1, 0, [Page(0, 1)]),
        (99, 0, [Page(0, 99)]),
        (100, 0, [Page(0, 100)]),
        (101, 0, [Page(0, 100), Page(100, 1)]),
        (250, 0, [Page(0, 100), Page(100, 100), Page(200, 50)]),
        (250, 7, [Page(7, 100), Page(107, 100), Page(207, 50)]),
    ],
)
def test_plan_pages_asks_exactly_what_remains(total: int, skip: int, pages: list[Page]) -> None:
    assert list(plan_pages(total, skip)) == pages


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="page_size must be positive"):
        list(plan_pages(10, 0, page_size=0))
