"""`F`'s attributes: the names `user_fields` accepts, typed and narrowed as the strings."""

from __future__ import annotations

from typing import Literal

from typing_extensions import assert_type

from kili_typed import F, Kili, Selection, UserDict, UserRow, user_fields


def attributes(kili: Kili) -> None:
    selection = user_fields(F.email, F.organizations.name)
    assert_type(selection, Selection[Literal["email", "organizations.name"]])
    rows = kili.users(fields=selection)
    assert_type(rows, list[UserRow[Literal["email", "organizations.name"]]])
    assert_type(rows[0][F.email], str)
    for organization in rows[0]["organizations"] or []:
        assert_type(organization["name"], str)
    me = kili.get_current_user(fields=user_fields(F.id, F.apiKeys.revoked))
    assert_type(me[F.id], str)
    # In a plain list, as the official SDK's `fields`: the rows are `UserDict`s as ever.
    assert_type(kili.users(fields=[F.email, F.organization.name]), list[UserDict])
