"""The documented arguments of each method, checked and turned into the
generated client's typed inputs. Pure: shared by every facade, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from kili_typed_generated.enums import OrganizationRole as RoleEnum
from kili_typed_generated.input_types import (
    CreateUserData,
    OrganizationWhere,
    UpdatePasswordData,
    UserData,
    UserWhere,
)

from . import arguments as a
from .fields import FieldSelection, select_fields


def user_where(
    method: str,
    *,
    api_key: object,
    email: object,
    organization_id: object,
) -> UserWhere:
    """The `UserWhere` of `users` and `count_users`; only given filters are sent."""
    key = a.check_optional_str(method, "api_key", api_key, non_empty=True)
    mail = a.check_optional_email(method, "email", email)
    org = a.check_optional_str(method, "organization_id", organization_id, non_empty=True)
    where = UserWhere()
    if key is not None:
        where.api_key = key
    if mail is not None:
        where.email = mail
    if org is not None:
        where.organization = OrganizationWhere(id=org)
    return where


@dataclass(frozen=True)
class UsersRequest:
    """A checked `users` call: filter, field selection and window."""

    where: UserWhere
    selection: FieldSelection
    first: int | None
    skip: int
    disable_tqdm: bool
    as_generator: bool


def users_request(
    *,
    api_key: object,
    email: object,
    organization_id: object,
    fields: object,
    first: object,
    skip: object,
    disable_tqdm: object,
    as_generator: object,
) -> UsersRequest:
    """Check every argument of `users` and build its request."""
    method = "users"
    where = user_where(method, api_key=api_key, email=email, organization_id=organization_id)
    selection = select_fields(a.check_fields(method, "fields", fields))
    return UsersRequest(
        where=where,
        selection=selection,
        first=a.check_optional_count(method, "first", first),
        skip=a.check_count(method, "skip", skip),
        disable_tqdm=a.check_bool(method, "disable_tqdm", disable_tqdm),
        as_generator=a.check_bool(method, "as_generator", as_generator),
    )


def create_user_data(
    *,
    email: object,
    password: object,
    organization_role: object,
    firstname: object,
    lastname: object,
) -> CreateUserData:
    """Check the arguments of `create_user` and build its `CreateUserData`."""
    method = "create_user"
    data = CreateUserData(
        email=a.check_email(method, "email", email),
        password=a.check_str(method, "password", password, secret=True),
        organizationRole=RoleEnum(a.check_role(method, "organization_role", organization_role)),
    )
    first = a.check_optional_str(method, "firstname", firstname)
    last = a.check_optional_str(method, "lastname", lastname)
    if first is not None:
        data.firstname = first
    if last is not None:
        data.lastname = last
    return data


def update_password_variables(
    *,
    email: object,
    old_password: object,
    new_password_1: object,
    new_password_2: object,
) -> tuple[UpdatePasswordData, UserWhere]:
    """Check the arguments of `update_password` and build its inputs."""
    method = "update_password"
    where = UserWhere(email=a.check_email(method, "email", email))
    data = UpdatePasswordData(
        oldPassword=a.check_str(method, "old_password", old_password, secret=True),
        newPassword1=a.check_str(method, "new_password_1", new_password_1, secret=True),
        newPassword2=a.check_str(method, "new_password_2", new_password_2, secret=True),
    )
    return data, where


def reset_password_where(*, email: object) -> UserWhere:
    """Check the argument of `reset_password` and build its `UserWhere`."""
    return UserWhere(email=a.check_email("reset_password", "email", email))


def update_properties_variables(
    *,
    email: object,
    firstname: object,
    lastname: object,
    organization_id: object,
    organization_role: object,
    activated: object,
) -> tuple[UserData, UserWhere]:
    """Check the arguments of `update_properties_in_user` and build its inputs.

    Only the properties given (not None) are sent, so the others stay as they are.
    """
    method = "update_properties_in_user"
    where = UserWhere(email=a.check_email(method, "email", email))
    data = UserData()
    first = a.check_optional_str(method, "firstname", firstname)
    last = a.check_optional_str(method, "lastname", lastname)
    org = a.check_optional_str(method, "organization_id", organization_id, non_empty=True)
    role = a.check_role(method, "organization_role", organization_role, optional=True)
    active = a.check_optional_bool(method, "activated", activated)
    if first is not None:
        data.firstname = first
    if last is not None:
        data.lastname = last
    if org is not None:
        data.organization_id = org
    if role is not None:
        data.organization_role = RoleEnum(role)
    if active is not None:
        data.activated = active
    return data, where
