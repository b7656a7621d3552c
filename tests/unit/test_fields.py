"""`fields` validation, @include flags and row shaping (pure, no server)."""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta, timezone

import pytest
from kili_typed_generated.client import Client
from kili_typed_generated.users import UsersUsers

from kili_typed._fields import (
    ALL_FLAGS,
    USER_SCALARS,
    VALID_FIELDS,
    UserSelection,
    format_datetime,
    keys_to_convert,
    plain,
    select_fields,
)


def test_flags_match_the_generated_users_operation() -> None:
    params = inspect.signature(Client.users).parameters
    generated_flags = {name for name in params if name.startswith("with_")}
    assert generated_flags == set(ALL_FLAGS)
    assert set(UserSelection.__annotations__) == set(ALL_FLAGS)


def test_scalar_fields_match_the_generated_model() -> None:
    aliases = {f.alias or name for name, f in UsersUsers.model_fields.items()}
    assert set(USER_SCALARS) <= aliases
    assert {"organization", "organizations", "apiKeys"} <= aliases


def test_default_fields_select_only_their_flags() -> None:
    selection = select_fields(["email", "id", "firstname", "lastname"])
    on = {flag for flag, value in selection.flags.items() if value}
    assert on == {"with_email", "with_id", "with_firstname", "with_lastname"}


def test_nested_field_turns_on_its_parent() -> None:
    selection = select_fields(["organization.id", "apiKeys.name"])
    on = {flag for flag, value in selection.flags.items() if value}
    assert on == {"with_org", "with_org_id", "with_api_keys", "with_api_keys_name"}


def test_duplicates_are_folded_keeping_order() -> None:
    assert select_fields(["id", "email", "id"]).fields == ("id", "email")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (["emial"], "unknown field 'emial' for User; did you mean 'email'?"),
        (["organization.nmae"], "did you mean 'organization.name'"),
        (["organization"], "is an object: name its fields, e.g. 'organization.id'"),
        (["organization.users.email"], "unknown field 'organization.users.email'"),
        (["id."], "unknown field 'id.'"),
        ([""], "unknown field ''"),
        ([], "fields is empty"),
    ],
)
def test_bad_fields_are_named(fields: list[str], message: str) -> None:
    with pytest.raises(ValueError, match="valid fields" if "unknown" in message else ".") as info:
        select_fields(fields)
    assert message in str(info.value)


def test_every_valid_field_is_accepted() -> None:
    assert select_fields(VALID_FIELDS).fields == VALID_FIELDS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2024, 1, 8, 10, 21, 0, 624000, tzinfo=timezone.utc), "2024-01-08T10:21:00.624Z"),
        (
            datetime(2024, 1, 8, 10, 21, tzinfo=timezone(timedelta(hours=2))),
            "2024-01-08T08:21:00.000Z",
        ),
        (datetime(2024, 1, 8, 10, 21, 0, 999999), "2024-01-08T10:21:00.999Z"),
    ],
)
def test_datetimes_are_formatted_as_kili_does(value: datetime, text: str) -> None:
    assert format_datetime(value) == text


def test_rows_come_back_as_plain_json_values() -> None:
    model = UsersUsers.model_validate(
        {
            "id": "u1",
            "createdAt": "2024-01-08T10:21:00.624Z",
            "organizationRole": "ADMIN",
            "organization": {"id": "o1"},
        }
    )
    row = plain(model.model_dump(by_alias=True, exclude_unset=True))
    assert row == {
        "id": "u1",
        "createdAt": "2024-01-08T10:21:00.624Z",
        "organizationRole": "ADMIN",
        "organization": {"id": "o1"},
    }
    assert type(row["organizationRole"]) is str


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        (["email", "id", "firstname", "lastname"], ()),
        (["createdAt", "email", "organizationRole"], ("createdAt", "organizationRole")),
        (["organization.id", "organization.name", "apiKeys.name"], ("organization", "apiKeys")),
    ],
)
def test_only_rows_that_need_it_are_converted(fields: list[str], keys: tuple[str, ...]) -> None:
    assert keys_to_convert(fields) == keys
