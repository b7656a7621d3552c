"""Typed selections and rows at run time: honest sequences and dicts (pure, no server)."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Sequence
from typing import get_args

import pytest

from kili_typed._constants import DEFAULT_USER_FIELDS
from kili_typed._fields import VALID_FIELDS, Selection, select_fields
from kili_typed._rows import row_wrapper, wrap_rows
from kili_typed._user_fields import (
    DEFAULT_USER_SELECTION,
    NESTED_ROWS,
    USER_FIELD_NAMES,
    DefaultUserField,
    UserApiKeysRow,
    UserField,
    UserOrganizationRow,
    UserOrganizationsRow,
    UserRow,
    user_fields,
)


def test_generated_names_are_the_validated_names() -> None:
    assert USER_FIELD_NAMES == VALID_FIELDS
    assert get_args(UserField) == VALID_FIELDS
    assert get_args(DefaultUserField) == DEFAULT_USER_FIELDS
    assert DEFAULT_USER_SELECTION == DEFAULT_USER_FIELDS


def test_a_selection_is_a_deduplicated_sequence_of_str() -> None:
    selection = user_fields("email", "organization.id", "email")
    assert isinstance(selection, Sequence)
    assert not isinstance(selection, tuple)
    assert selection.fields == ("email", "organization.id")
    assert list(selection) == ["email", "organization.id"]
    assert len(selection) == 2
    assert selection[0] == "email"
    assert selection[-1:] == ("organization.id",)
    assert "email" in selection
    assert "id" not in selection
    # Equal to the tuple of its names, as when it was one; hashed alike.
    assert selection == ("email", "organization.id")
    assert selection != ["email", "organization.id"]
    assert hash(selection) == hash(("email", "organization.id"))
    assert repr(selection) == "Selection('email', 'organization.id')"
    assert all(type(name) is str for name in selection)


def test_a_selection_carries_the_flags_of_select_fields() -> None:
    selection = user_fields("email", "organization.id")
    assert selection.flags == select_fields(["email", "organization.id"]).flags
    on = {flag for flag, value in selection.flags.items() if value}
    assert on == {"with_email", "with_org", "with_org_id"}
    selection.flags["with_id"] = True  # a copy: the selection is unchanged
    assert not selection.flags["with_id"]


def test_select_fields_and_user_fields_are_one_concept() -> None:
    assert isinstance(select_fields(["id"]), Selection)
    assert select_fields(["id", "email"]) == user_fields("id", "email")


def test_copies_and_pickles_stay_selections() -> None:
    selection = user_fields("email", "apiKeys.id")
    for twin in (
        copy.copy(selection),
        copy.deepcopy(selection),
        pickle.loads(pickle.dumps(selection)),
    ):
        assert isinstance(twin, Selection)
        assert twin == selection
        assert twin.flags == selection.flags


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("emial",), "unknown field 'emial' for User; did you mean 'email'?"),
        (("organization",), "field 'organization' of User is an object"),
        (("organization.nme",), "did you mean 'organization.name'"),
        ((), "fields is empty"),
    ],
)
def test_bad_names_are_value_errors_with_suggestions(names: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        # Names known only at run time: the same checks as user_fields.
        Selection(names)


def test_a_row_is_a_plain_dict_to_everyone() -> None:
    plain = {"email": "a@b.c", "firstname": None}
    row: UserRow[object] = UserRow(plain)
    assert isinstance(row, dict)
    assert row == plain and plain == row
    # Statically, dict(row) and {**row} need a row seen as a dict; row.copy() is typed.
    seen_as_dict: dict[str, object] = row
    assert dict(seen_as_dict) == plain and type(dict(seen_as_dict)) is dict
    assert row.copy() == plain and type(row.copy()) is dict
    assert json.dumps(row) == json.dumps(plain)
    assert repr(row) == repr(plain)
    assert pickle.loads(pickle.dumps(row)) == plain


def test_rows_are_wrapped_with_their_nested_rows() -> None:
    fields = user_fields("email", "organization.id", "organizations.id", "apiKeys.name")
    rows = wrap_rows(
        [
            {
                "email": "a@b.c",
                "organization": {"id": "o1"},
                "organizations": [{"id": "o1"}, {"id": "o2"}],
                "apiKeys": [{"name": "ci"}],
            },
            {"email": "d@e.f", "organization": None, "organizations": None, "apiKeys": []},
        ],
        fields,
    )
    first, second = rows
    assert all(type(row) is UserRow for row in rows)
    assert type(first["organization"]) is UserOrganizationRow
    assert [type(o) for o in first["organizations"] or []] == [UserOrganizationsRow] * 2
    assert [type(k) for k in first["apiKeys"] or []] == [UserApiKeysRow]
    assert second == {"email": "d@e.f", "organization": None, "organizations": None, "apiKeys": []}


def test_flat_rows_need_no_more_than_the_class() -> None:
    assert row_wrapper(["email", "id"]) is UserRow
    assert set(NESTED_ROWS) == {"organization", "organizations", "apiKeys"}
