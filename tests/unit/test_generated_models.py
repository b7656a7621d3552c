"""What tools/codegen_plugins.py makes the generated models do, in both packages."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import kili_typed_generated
import kili_typed_generated_async
import pytest
from kili_typed_generated import fragments as sync_fragments
from kili_typed_generated import users as sync_users
from kili_typed_generated_async import fragments as async_fragments
from kili_typed_generated_async import users as async_users

PACKAGES = [
    pytest.param((kili_typed_generated, sync_users, sync_fragments), id="sync"),
    pytest.param((kili_typed_generated_async, async_users, async_fragments), id="async"),
]


@pytest.mark.parametrize("modules", PACKAGES)
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("organizationRole", "ADMIN", "enum"),
        ("organizationRole", "TEAM_MANAGER", "TEAM_MANAGER"),
        ("hubspotSubscriptionStatus", "SUBSCRIBED", "enum"),
        ("hubspotSubscriptionStatus", "PAUSED", "PAUSED"),
        ("organizationRole", None, None),
    ],
)
def test_unknown_enum_values_are_read_as_strings(
    modules: tuple[ModuleType, ...], field: str, value: str | None, expected: str | None
) -> None:
    package, users, _ = modules
    row = users.UsersUsers.model_validate({field: value})
    read = row.model_dump(by_alias=True)[field]
    if expected == "enum":
        enum = getattr(package, field[0].upper() + field[1:])
        assert read is enum(value)
    else:
        assert read == expected
        assert type(read) is type(expected)


@pytest.mark.parametrize("modules", PACKAGES)
def test_mutation_answers_tolerate_unknown_roles_and_extra_fields(
    modules: tuple[ModuleType, ...],
) -> None:
    _, _, fragments = modules
    answer: dict[str, Any] = {
        "id": "u1",
        "email": "a@example.com",
        "firstname": None,
        "lastname": None,
        "activated": True,
        "organizationId": "o1",
        "organizationRole": "TEAM_MANAGER",
        "createdAt": "2024-01-08T10:21:00.624Z",
        "updatedAt": "2024-01-08T10:21:00.624Z",
        "aFieldFromANewerServer": {"nested": [1, 2]},
    }
    user = fragments.UserCore.model_validate(answer)
    assert user.organization_role == "TEAM_MANAGER"
    assert "aFieldFromANewerServer" not in user.model_dump(by_alias=True)


@pytest.mark.parametrize("modules", PACKAGES)
def test_inputs_still_refuse_unknown_enum_values(modules: tuple[ModuleType, ...]) -> None:
    package, _, _ = modules
    with pytest.raises(ValueError, match="ADMIN"):
        package.UserData.model_validate({"organizationRole": "TEAM_MANAGER"})


@pytest.mark.parametrize("modules", PACKAGES)
def test_reprs_never_show_passwords_or_keys(modules: tuple[ModuleType, ...]) -> None:
    package, users, _ = modules
    secret = "hunter22-secret"
    models = [
        package.CreateUserData(email="a@example.com", password=secret, organizationRole="USER"),
        package.UpdatePasswordData(oldPassword=secret, newPassword1=secret, newPassword2=secret),
        package.UserWhere(apiKey=secret, email="a@example.com"),
        package.ApiKeyWhere(key=secret),
        users.UsersUsersApiKeys(key=secret, name="ci"),
    ]
    for model in models:
        assert secret not in repr(model)
        assert secret not in str(model)
    # Still sent: hidden from the repr only.
    assert models[0].model_dump(by_alias=True)["password"] == secret
