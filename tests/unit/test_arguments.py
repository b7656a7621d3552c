"""Argument checks of every documented method: the error names the problem (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from kili_typed import _operations as ops


def users_args(**override: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "api_key": None,
        "email": None,
        "organization_id": None,
        "fields": ["id"],
        "first": None,
        "skip": 0,
        "disable_tqdm": True,
        "as_generator": False,
    }
    args.update(override)
    return args


@pytest.mark.parametrize(
    ("override", "error", "message"),
    [
        ({"email": 3}, TypeError, "users() argument 'email' must be str or None, not int"),
        ({"email": ""}, ValueError, "users() argument 'email' must not be empty"),
        ({"email": "nobody"}, ValueError, "must be an email address"),
        ({"api_key": b"k"}, TypeError, "argument 'api_key' must be str or None, not bytes"),
        ({"organization_id": "  "}, ValueError, "'organization_id' must not be empty"),
        ({"fields": "email"}, TypeError, "'fields' must be a list of str, not str"),
        ({"fields": ["id", 3]}, TypeError, "'fields' must hold only str, found int"),
        ({"fields": ["emial"]}, ValueError, "did you mean 'email'"),
        ({"first": -1}, ValueError, "'first' must be 0 or more, got -1"),
        ({"first": 1.5}, TypeError, "'first' must be int, not float"),
        ({"first": True}, TypeError, "'first' must be int, not bool"),
        ({"skip": None}, TypeError, "'skip' must be int, not NoneType"),
        ({"skip": -3}, ValueError, "'skip' must be 0 or more"),
        ({"disable_tqdm": 1}, TypeError, "'disable_tqdm' must be bool, not int"),
        ({"as_generator": "yes"}, TypeError, "'as_generator' must be bool, not str"),
    ],
)
def test_users_arguments(override: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        ops.users_request(**users_args(**override))
    assert message in str(info.value)


def test_users_where_sends_only_given_filters() -> None:
    request = ops.users_request(**users_args(email="a@b.co", organization_id="org"))
    assert request.where == {"email": "a@b.co", "organization": {"id": "org"}}
    assert ops.users_request(**users_args()).where == {}


def create_args(**override: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "email": "jane@example.com",
        "password": "s3cret-Pass",
        "organization_role": "USER",
        "firstname": None,
        "lastname": None,
    }
    args.update(override)
    return args


@pytest.mark.parametrize(
    ("override", "error", "message"),
    [
        ({"email": None}, TypeError, "create_user() argument 'email' must be str, not NoneType"),
        ({"email": ""}, ValueError, "'email' must not be empty"),
        ({"email": "jane at example"}, ValueError, "must be an email address"),
        ({"password": 1234}, TypeError, "'password' must be str, not int"),
        ({"password": ""}, ValueError, "'password' must not be empty"),
        ({"organization_role": "LABELER"}, ValueError, "one of 'ADMIN', 'USER', got 'LABELER'"),
        ({"organization_role": "admin"}, ValueError, "got 'admin'"),
        ({"organization_role": None}, TypeError, "'organization_role' must be str, not NoneType"),
        ({"firstname": 1}, TypeError, "'firstname' must be str or None, not int"),
        ({"lastname": ["x"]}, TypeError, "'lastname' must be str or None, not list"),
    ],
)
def test_create_user_arguments(
    override: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        ops.create_user_data(**create_args(**override))
    assert message in str(info.value)


def test_password_values_never_appear_in_messages() -> None:
    with pytest.raises(ValueError) as info:
        ops.create_user_data(**create_args(password="   "))
    assert "   '" not in str(info.value)
    with pytest.raises(ValueError) as info2:
        ops.update_password_variables(
            email="a@b.co", old_password="old-secret-1", new_password_1="", new_password_2="x"
        )
    assert "old-secret-1" not in str(info2.value)


@pytest.mark.parametrize(
    ("override", "error", "message"),
    [
        ({"email": 5}, TypeError, "update_properties_in_user() argument 'email' must be str"),
        ({"organization_role": "REVIEWER"}, ValueError, "must be one of 'ADMIN', 'USER'"),
        ({"organization_role": 1}, TypeError, "must be str or None, not int"),
        ({"activated": "false"}, TypeError, "'activated' must be bool, not str"),
        ({"organization_id": ""}, ValueError, "'organization_id' must not be empty"),
    ],
)
def test_update_properties_arguments(
    override: dict[str, Any], error: type[Exception], message: str
) -> None:
    args: dict[str, Any] = {
        "email": "a@b.co",
        "firstname": None,
        "lastname": None,
        "organization_id": None,
        "organization_role": None,
        "activated": None,
    }
    args.update(override)
    with pytest.raises(error) as info:
        ops.update_properties_variables(**args)
    assert message in str(info.value)


def test_update_properties_sends_only_given_properties() -> None:
    data, where = ops.update_properties_variables(
        email="a@b.co",
        firstname=None,
        lastname="Doe",
        organization_id=None,
        organization_role="ADMIN",
        activated=False,
    )
    assert data == {"lastname": "Doe", "organizationRole": "ADMIN", "activated": False}
    assert where == {"email": "a@b.co"}


def test_reset_password_needs_an_email() -> None:
    with pytest.raises(ValueError, match="reset_password\\(\\) argument 'email' must not be empty"):
        ops.reset_password_where(email="")
    with pytest.raises(TypeError, match="must be str, not NoneType"):
        ops.reset_password_where(email=None)
