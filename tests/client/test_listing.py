"""`users` and `count_users` over real HTTP against a local server with 250 users."""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from kili_typed import Kili
from kili_typed_server.cli.runner import ServerThread

from .conftest import SEEDED
from .facades import RequestLog, attach_log, make_facade

TOTAL = SEEDED + 1  # the admin, then the seeded members, in creation order


def emails(rows: Sequence[Mapping[str, Any]]) -> list[str | None]:
    return [row.get("email") for row in rows]


def member(i: int) -> str:
    return f"member{i:03d}@example.com"


def test_default_fields_are_exactly_the_documented_four(lister: Kili) -> None:
    rows = lister.users(first=3, disable_tqdm=True)
    assert [set(row) for row in rows] == [{"email", "id", "firstname", "lastname"}] * 3
    assert rows[1]["email"] == member(0)
    assert rows[1]["firstname"] == "M0"
    assert rows[1]["lastname"] is None


def test_rows_hold_exactly_the_requested_fields_nested(lister: Kili) -> None:
    rows = lister.users(
        fields=("email", "organization.id", "organization.name", "createdAt"),
        first=2,
        disable_tqdm=True,
    )
    for row in rows:
        assert set(row) == {"email", "organization", "createdAt"}
        assert set(row["organization"] or {}) == {"id", "name"}
        assert isinstance(row["createdAt"], str) and row["createdAt"].endswith("Z")


def test_every_field_can_be_asked_for(lister: Kili) -> None:
    from kili_typed._fields import VALID_FIELDS

    (row,) = lister.users(fields=list(VALID_FIELDS), first=1, disable_tqdm=True)
    assert set(row) == {name.split(".")[0] for name in VALID_FIELDS}
    assert row["organizationRole"] == "ADMIN"
    assert type(row["organizationRole"]) is str
    assert row["activated"] is True


@pytest.mark.parametrize(
    ("first", "skip", "expected", "pages"),
    [
        (0, 0, [], 0),
        (1, 0, ["admin@example.com"], 1),
        (99, 0, None, 1),
        (100, 0, None, 1),
        (101, 0, None, 2),
        (250, 0, None, 3),
        (None, 0, None, 3),
        (3, 1, [member(0), member(1), member(2)], 1),
        (None, 248, [member(247), member(248)], 1),
        (10, 250, [], 0),
        (10, 10_000, [], 0),
    ],
)
def test_first_and_skip_are_exact(
    lister: Kili,
    lister_requests: RequestLog,
    first: int | None,
    skip: int,
    expected: list[str] | None,
    pages: int,
) -> None:
    rows = lister.users(fields=["email"], first=first, skip=skip, disable_tqdm=True)
    want = min(first if first is not None else TOTAL, max(0, TOTAL - skip))
    assert len(rows) == want
    if expected is not None:
        assert emails(rows) == expected
    counts = 0 if first == 0 else 1
    assert lister_requests.operations == ["countUsers"] * counts + ["users"] * pages


def test_first_250_of_300_returns_exactly_250(listing_server: ServerThread, lister: Kili) -> None:
    # One official client returned 300 here: it always asked for full pages.
    rows = lister.users(fields=["id"], first=250, disable_tqdm=True)
    assert len(rows) == 250
    assert len({row["id"] for row in rows}) == 250


def test_order_is_creation_order_across_pages(lister: Kili) -> None:
    rows = lister.users(fields=["email"], disable_tqdm=True)
    assert emails(rows) == ["admin@example.com", *(member(i) for i in range(SEEDED))]


def test_filters(lister: Kili, listing_server: ServerThread) -> None:
    assert emails(lister.users(email=member(7), fields=["email"], disable_tqdm=True)) == [member(7)]
    assert lister.users(email="nobody@example.com", disable_tqdm=True) == []
    assert lister.count_users(email="nobody@example.com") == 0
    assert emails(lister.users(api_key=listing_server.api_key, disable_tqdm=True)) == [
        "admin@example.com"
    ]
    (admin,) = lister.users(first=1, fields=["organizationId"], disable_tqdm=True)
    org = admin["organizationId"]
    assert lister.count_users(organization_id=org) == TOTAL
    assert len(lister.users(organization_id=org, fields=["id"], disable_tqdm=True)) == TOTAL
    assert lister.count_users(organization_id="no-such-org") == 0
    assert lister.users(organization_id="no-such-org", disable_tqdm=True) == []


def test_count_is_consistent_with_the_list(lister: Kili) -> None:
    assert lister.count_users() == TOTAL == len(lister.users(fields=["id"], disable_tqdm=True))
    assert lister.count_users(email=member(3)) == 1


def sequential(
    server: ServerThread, kind: str, pages_in_flight: int = 1
) -> tuple[Kili, RequestLog]:
    kili = make_facade(
        kind,
        api_key=server.api_key,
        api_endpoint=server.endpoint,
        max_concurrent_pages=pages_in_flight,
    )
    return kili, attach_log(kili)


def test_generator_sends_nothing_until_iterated(listing_server: ServerThread, facade: str) -> None:
    kili, log = sequential(listing_server, facade)
    with kili:
        stream = kili.users(fields=["email"], as_generator=True, disable_tqdm=True)
        assert log.operations == []
        first_five = [next(stream)["email"] for _ in range(5)]
        assert first_five == ["admin@example.com", *(member(i) for i in range(4))]
        assert log.operations == ["countUsers", "users"]
        stream.close()
        assert log.operations == ["countUsers", "users"]


def test_generator_holds_one_page_at_a_time(listing_server: ServerThread, facade: str) -> None:
    kili, log = sequential(listing_server, facade)
    with kili:
        stream = kili.users(fields=["id"], as_generator=True, disable_tqdm=True)
        for _ in range(101):
            next(stream)
        assert log.operations == ["countUsers", "users", "users"]
        assert len(list(stream)) == TOTAL - 101
        assert log.operations == ["countUsers", "users", "users", "users"]


@pytest.mark.parametrize("pages_in_flight", [2, 3, 8])
def test_concurrent_pages_are_bounded_and_in_order(
    listing_server: ServerThread, facade: str, pages_in_flight: int
) -> None:
    kili, log = sequential(listing_server, facade, pages_in_flight)
    with kili:
        stream = kili.users(fields=["email"], as_generator=True, disable_tqdm=True)
        assert next(stream)["email"] == "admin@example.com"
        # Pages are sent by worker threads: the first is surely sent, the others
        # may still be on their way, but never more than the window allows.
        assert log.operations[:2] == ["countUsers", "users"]
        assert len(log.operations) <= 1 + min(3, pages_in_flight)
        rest = [row["email"] for row in stream]
        assert rest == [member(i) for i in range(SEEDED)]
        assert log.operations == ["countUsers", "users", "users", "users"]


def test_concurrent_listing_matches_a_sequential_one(
    listing_server: ServerThread, facade: str
) -> None:
    fields = ["id", "email", "organization.id", "apiKeys.name"]
    one, _ = sequential(listing_server, facade, 1)
    many, _ = sequential(listing_server, facade, 8)
    with one, many:
        assert many.users(fields=fields, disable_tqdm=True) == one.users(
            fields=fields, disable_tqdm=True
        )


def test_rows_hide_the_id_used_for_deduplication(lister: Kili) -> None:
    rows = lister.users(fields=["email"], disable_tqdm=True)
    assert all(set(row) == {"email"} for row in rows)
    assert len({row["email"] for row in rows}) == TOTAL


class Terminal(io.StringIO):
    """Standard error as a terminal: where a bar is drawn."""

    def isatty(self) -> bool:
        return True


def test_progress_bar_counts_the_listing(
    lister: Kili, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Into a file or a pipe (here, pytest's capture), no bar at all.
    lister.users(fields=["id"], first=150)
    assert capsys.readouterr().err == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    lister.users(fields=["id"], first=150)
    drawn = terminal.getvalue()
    assert "150/150" in drawn
    lister.users(fields=["id"], first=150, disable_tqdm=True)
    assert terminal.getvalue() == drawn


def test_rows_are_the_row_classes_their_types_name(lister: Kili) -> None:
    from kili_typed._user_fields import (
        UserApiKeysRow,
        UserOrganizationRow,
        UserOrganizationsRow,
        UserRow,
        user_fields,
    )

    selection = user_fields("email", "organization.id", "organizations.id", "apiKeys.id")
    # Given as a plain tuple too: what the facade is typed to return may differ, the rows do not.
    for fields in (selection, tuple(selection)):
        rows = lister.users(fields=fields, first=2, disable_tqdm=True)
        for row in rows:
            assert type(row) is UserRow
            assert type(row["organization"]) is UserOrganizationRow
            assert {type(o) for o in row["organizations"] or []} <= {UserOrganizationsRow}
            assert {type(k) for k in row["apiKeys"] or []} <= {UserApiKeysRow}
    assert all(type(row) is UserRow for row in lister.users(first=2, disable_tqdm=True))


def test_attribute_keys_read_what_the_strings_read(lister: Kili) -> None:
    from kili_typed import F, user_fields

    selection = user_fields(F.email, F.organization.name, F.organizations.id, F.organizations.name)
    rows = lister.users(fields=selection, first=5, disable_tqdm=True)
    read = 0
    for row in rows:
        assert row[F.email] == row["email"]
        assert row[F.organizations] is row["organizations"]
        organization = row[F.organization]
        assert organization is row["organization"]
        if organization is not None:
            assert organization[F.organization.name] == organization["name"]
        for item in row[F.organizations] or []:
            assert item[F.organizations.id] == item["id"]
            assert item[F.organizations.name] == item["name"]
            read += 1
        # A dotted key is a nested row's own alone, and only one it holds.
        for item in row["organizations"] or []:
            for key in ("organization.name", "organizations.createdAt"):
                with pytest.raises(KeyError) as missing:
                    item[key]  # type: ignore[call-overload]
                assert missing.value.args == (key,)
    assert read > 0, "no nested row was read: the seeded users have no organizations"
