"""`F`'s attributes: the names `user_fields` accepts, typed and narrowed as the strings."""

from __future__ import annotations

from typing import Literal, TypeAlias

from typing_extensions import assert_type

from kili_typed import F, Kili, Selection, UserDict, UserOrganizationsRow, UserRow, user_fields


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
    for key in me[F.apiKeys] or []:
        assert_type(key[F.apiKeys.revoked], bool)
    # In a plain list, as the official SDK's `fields`: the rows are `UserDict`s as ever.
    assert_type(kili.users(fields=[F.email, F.organization.name]), list[UserDict])


Held: TypeAlias = Literal["email", "organizations.name", "organization.matchingDomain"]


def nested_attributes(kili: Kili) -> None:
    """A nested key as `F` spells it, `row[F.organizations]` then
    `organization[F.organizations.name]`: typed as `row["organizations"]` and
    `organization["name"]`."""
    selection = user_fields(F.email, F.organizations.name, F.organization.matchingDomain)
    row = kili.users(fields=selection)[0]
    organizations = row[F.organizations]
    assert_type(organizations, list[UserOrganizationsRow[UserRow[Held]]] | None)
    for organization in organizations or []:
        assert_type(organization[F.organizations.name], str)
    main = row[F.organization]
    if main is not None:
        assert_type(main[F.organization.matchingDomain], str | None)
