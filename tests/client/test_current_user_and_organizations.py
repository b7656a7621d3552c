"""`get_current_user`, `organizations` and `count_organizations` over real HTTP, on both
facades, and the documented example of `users` run as written."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Literal

import pytest
from typing_extensions import assert_type

from kili_typed import (
    DefaultOrganizationDict,
    DefaultUserField,
    Kili,
    OrganizationDict,
    UserDict,
    UserRow,
    user_fields,
)
from kili_typed_testkit.server import KiliServer

from .facades import RequestLog


def own_organization(kili_server: KiliServer) -> dict[str, Any]:
    admin = kili_server.store.get_user(kili_server.admin_email)
    assert admin is not None
    organization = kili_server.store.accounts.organizations_by_ids([admin.organization_id])
    return {"id": admin.organization_id, "name": organization[admin.organization_id].name}


def test_get_current_user_defaults_to_the_documented_fields(
    kili: Kili, kili_server: KiliServer
) -> None:
    me = kili.get_current_user()
    assert_type(me, UserRow[DefaultUserField])  # the four keys are known to be there
    assert set(me) == {"email", "id", "firstname", "lastname"}
    assert me["email"] == kili_server.admin_email


def test_get_current_user_with_a_typed_selection(kili: Kili, kili_server: KiliServer) -> None:
    me = kili.get_current_user(fields=user_fields("email", "organization.id"))
    assert_type(me, UserRow[Literal["email", "organization.id"]])
    assert isinstance(me, UserRow)
    assert me == {"email": kili_server.admin_email, "organization": {"id": me_org(kili_server)}}
    organization = me["organization"]
    assert organization is not None and organization["id"] == me_org(kili_server)


def test_get_current_user_with_a_plain_list_keeps_userdict(kili: Kili) -> None:
    me = kili.get_current_user(fields=["email"])
    assert_type(me, UserDict)
    assert set(me) == {"email"}


def me_org(kili_server: KiliServer) -> str:
    organization_id: str = own_organization(kili_server)["id"]
    return organization_id


def test_get_current_user_takes_the_fields_users_takes(kili: Kili, kili_server: KiliServer) -> None:
    me = kili.get_current_user(
        fields=["organizationRole", "createdAt", "organization.id", "apiKeys.name"]
    )
    assert set(me) == {"organizationRole", "createdAt", "organization", "apiKeys"}
    assert me["organizationRole"] == "ADMIN"
    assert isinstance(me["createdAt"], str) and me["createdAt"].endswith("Z")
    assert me["organization"] == {"id": own_organization(kili_server)["id"]}
    assert me["apiKeys"] and set(me["apiKeys"][0]) == {"name"}


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (["emial"], ValueError, "did you mean 'email'"),
        (["organization"], ValueError, "is an object"),
        ("email", TypeError, "must be a list of str"),
        ([], ValueError, "fields is empty"),
    ],
)
def test_get_current_user_refuses_bad_fields_before_sending(
    kili: Kili, requests: RequestLog, fields: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        kili.get_current_user(fields=fields)
    assert requests.operations == []


def test_the_documented_users_example_runs_as_written(kili: Kili, kili_server: KiliServer) -> None:
    # From the documentation of `users`, as written.
    organization_id = kili.organizations()[0]["id"]
    users = kili.users(organization_id=organization_id)
    assert [user["email"] for user in users] == [kili_server.admin_email]


def test_organizations_is_the_callers_own(kili: Kili, kili_server: KiliServer) -> None:
    own = own_organization(kili_server)
    # Without fields, the documented ("id", "name"), both typed as always there.
    assert_type(kili.organizations(), list[DefaultOrganizationDict])
    assert_type(
        kili.organizations(as_generator=True), Generator[DefaultOrganizationDict, None, None]
    )
    assert_type(kili.organizations(fields=["name"]), list[OrganizationDict])
    assert_type(kili.organizations(None, None, ("id",)), list[OrganizationDict])
    assert_type(kili.count_organizations(), int)
    assert kili.organizations() == [own]
    assert kili.organizations(organization_id=own["id"]) == [own]
    assert kili.organizations(email=kili_server.admin_email) == [own]
    assert kili.organizations(email="nobody@example.com") == []
    assert kili.organizations(organization_id="another") == []
    assert kili.organizations(skip=1) == []
    assert kili.organizations(first=0) == []
    assert list(kili.organizations(as_generator=True)) == [own]
    (row,) = kili.organizations(fields=("activeUsersCount", "createdAt", "matchingDomain"))
    assert row["activeUsersCount"] == 1 and str(row["createdAt"]).endswith("Z")
    assert set(row) == {"activeUsersCount", "createdAt", "matchingDomain"}


def test_count_organizations(kili: Kili, kili_server: KiliServer) -> None:
    own = own_organization(kili_server)
    assert kili.count_organizations() == 1
    assert kili.count_organizations(organization_id=own["id"]) == 1
    assert kili.count_organizations(email=kili_server.admin_email) == 1
    assert kili.count_organizations(email="nobody@example.com") == 0


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"fields": ["nmae"]}, ValueError, "did you mean 'name'"),
        ({"email": "not-an-email"}, ValueError, "email"),
        ({"first": -1}, ValueError, "'first' must be 0 or more"),
        ({"disable_tqdm": "no"}, TypeError, "'disable_tqdm' must be bool"),
    ],
)
def test_organizations_refuses_bad_arguments_before_sending(
    kili: Kili,
    requests: RequestLog,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        kili.organizations(**arguments)
    assert requests.operations == []


def test_as_generator_is_keyword_only(kili: Kili) -> None:
    with pytest.raises(TypeError):
        kili.organizations(None, None, ("id",), None, 0, None, True)  # type: ignore[call-overload]
