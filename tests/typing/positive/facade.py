"""Typed selections as a consumer uses them: narrowed rows, nested and list fields.

Typed selections through the public facades and names, as a wheel user writes them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Any, Literal

from typing_extensions import assert_type

from kili_typed import (
    AsyncKili,
    DefaultUserField,
    Kili,
    Selection,
    UserApiKeysRow,
    UserDict,
    UserOrganizationRow,
    UserRow,
    select_fields,
    user_fields,
    wrap_rows,
)

Fields = Literal["email", "firstname", "organization.name", "organizations.name", "apiKeys.revoked"]
Nested = Literal["organization.id", "organization.name", "apiKeys.id"]


def sync(kili: Kili) -> None:
    selection = user_fields(
        "email", "firstname", "organization.name", "organizations.name", "apiKeys.revoked"
    )
    assert_type(selection, Selection[Fields])
    rows = kili.users(fields=selection)
    assert_type(rows, list[UserRow[Fields]])
    for row in rows:
        assert_type(row["email"], str)
        assert_type(row["firstname"], str | None)
        organization = row["organization"]
        assert_type(organization, UserOrganizationRow[UserRow[Fields]] | None)
        if organization is not None:
            assert_type(organization["name"], str)
        for item in row["organizations"] or []:
            assert_type(item["name"], str)
        keys = row["apiKeys"]
        if keys is not None:
            assert_type(keys, list[UserApiKeysRow[UserRow[Fields]]])
            print([key["revoked"] for key in keys])

    stream = kili.users(email="ada@example.com", fields=user_fields("id"), as_generator=True)
    assert_type(stream, Generator[UserRow[Literal["id"]], None, None])
    positional = kili.users(None, None, None, user_fields("id"), 10, 0, True, True)
    assert_type(positional, Generator[UserRow[Literal["id"]], None, None])

    defaults = kili.users()
    assert_type(defaults, list[UserRow[DefaultUserField]])
    print(defaults[0]["email"], defaults[0]["id"], defaults[0]["firstname"])
    assert_type(kili.users(as_generator=True), Generator[UserRow[DefaultUserField], None, None])

    # A plain list keeps today's types: drop-in code type-checks as before; so do
    # names known only at run time (select_fields gives a Selection[str]).
    assert_type(kili.users(fields=select_fields(["email"])), list[UserDict])
    assert_type(kili.users(fields=["email"]), list[UserDict])
    assert_type(
        kili.users(None, None, None, ["id"], 1, 0, True, True), Generator[UserDict, None, None]
    )


def nested_subsets(kili: Kili) -> None:
    row = kili.users(fields=user_fields("organization.id", "organization.name", "apiKeys.id"))[0]
    organization = row["organization"]
    assert_type(organization, UserOrganizationRow[UserRow[Nested]] | None)
    if organization is not None:
        assert_type(organization["id"], str)
        assert_type(organization["name"], str)
    for key in row["apiKeys"] or []:
        assert_type(key["id"], str)


async def asynchronous(kili: AsyncKili) -> None:
    rows = await kili.users(fields=user_fields("email", "organization.name"))
    assert_type(rows, list[UserRow[Literal["email", "organization.name"]]])
    organization = rows[0]["organization"]
    if organization is not None:
        assert_type(organization["name"], str)
    stream = kili.users(fields=user_fields("email"), as_generator=True)
    assert_type(stream, AsyncGenerator[UserRow[Literal["email"]], None])
    async for row in stream:
        assert_type(row["email"], str)
    defaults = await kili.users()
    assert_type(defaults[0]["lastname"], str | None)
    me = await kili.get_current_user(fields=user_fields("email", "organizationRole"))
    assert_type(me["organizationRole"], Literal["ADMIN", "USER"] | None)


def rows_as_plain_dicts() -> None:
    rows = wrap_rows([{"email": "ada@example.com"}], user_fields("email"))
    plain: dict[str, object] = rows[0]  # a UserRow is a dict
    copy = rows[0].copy()
    assert_type(copy, dict[str, Any])
    print(plain, copy)
